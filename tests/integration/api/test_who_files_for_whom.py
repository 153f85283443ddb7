"""Who may file an application, and for whom: the channel comes from the account; the person must be on the
roster of the case's locality, of a plausible age, inside Zongyang's one-month window, and flexibly employed to
apply online in Zongyang. Every refusal names the field (422) or the reason (403), Chinese first."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.store.models import Application
from tests.support.people import application_data, person

MAY_2027 = datetime(2027, 5, 6, 10, 0)  # Wang (born 1966-12) retires 2027-06: Zongyang's window is open


def _post(client, headers, p, *, locality="340722", channel=None, **extra):
    data = application_data(p, channel=channel or "community", **extra)
    if channel is None:
        data.pop("channel")
    return client.post("/api/applications", headers=headers, json={"locality": locality, "data": data})


def _field(rv, name):
    assert rv.status_code == 422, rv.json
    return " ".join(rv.json["errors"]["json"][name])


@pytest.fixture
def wang(roster, clock):
    clock.set(MAY_2027)
    return roster(person(county="340722", born=date(1966, 12, 4)))


@pytest.mark.parametrize("account,channel", [
    ("zy_community", "community"), ("zy_employer", "employer"), ("zy_agency", "agency"), ("wanshitong", "online"),
])
def test_the_channel_of_an_application_is_the_one_of_the_account_that_files_it(
        eng, client, login, roster, clock, account, channel):
    clock.set(MAY_2027)
    p = roster(person(county="340722", born=date(1966, 12, 4), flexible=True))
    rv = _post(client, login(account), p)  # the form carries no channel: the account gives it
    assert rv.status_code == 201, rv.json
    assert rv.json["channel"] == channel
    with eng.runtime.reading() as s:
        assert s.get(Application, rv.json["id"]).channel == channel


@pytest.mark.parametrize("account", ["zy_hrss", "zy_housing", "zy_medical"])
def test_a_clerk_of_a_department_that_does_not_take_applications_may_not_file_one(client, login, wang, account):
    rv = _post(client, login(account), wang, channel="employer")
    assert rv.status_code == 403
    assert rv.json["message"].startswith("本账户") and "不能提交申请" in rv.json["message"]


def test_a_community_clerk_may_not_file_as_the_employer_and_skip_the_monthly_batch(eng, client, login, wang):
    rv = _post(client, login("zy_community"), wang, channel="employer")
    assert rv.status_code == 403
    assert "只能以“community”渠道提交申请" in rv.json["message"]
    with eng.runtime.reading() as s:
        assert s.query(Application).count() == 0


def test_a_jilin_clerk_of_employer_and_archive_agency_may_file_as_either(client, login, roster, clock):
    clock.set(datetime(2027, 4, 1, 9, 0))
    a = roster(person(county="220102", born=date(1967, 3, 15), seq=41))
    b = roster(person(county="220103", born=date(1967, 3, 15), seq=43))
    employer = login("jl_employer")
    assert _post(client, employer, a, locality="220000", channel="employer").json["channel"] == "employer"
    assert _post(client, employer, b, locality="220000", channel="archive_agency").json["channel"] == "archive_agency"


def test_a_person_not_on_the_roster_is_422_on_the_id_number(client, login, clock):
    clock.set(MAY_2027)
    stranger = person(county="340722", born=date(1966, 12, 4), seq=77)  # never loaded into the roster
    rv = _post(client, login("zy_community"), stranger, channel="community")
    assert _field(rv, "id_number").startswith("该身份证号码不在本地（枞阳县）参保人员名单中")


def test_a_zongyang_clerk_cannot_file_for_a_jilin_person(client, login, roster, clock):
    clock.set(MAY_2027)
    jilin = roster(person(county="220102", born=date(1966, 12, 4), seq=55))
    rv = _post(client, login("zy_community"), jilin, channel="community")
    assert "不在本地（枞阳县）参保人员名单中" in _field(rv, "id_number")
    rv = _post(client, login("zy_community"), jilin, locality="220000", channel="community")
    assert rv.status_code == 403, "the Jilin locality is outside the clerk's"


def test_a_person_born_in_1949_is_no_retirement_applicant(client, login, roster, clock):
    clock.set(datetime(2027, 4, 1, 9, 0))
    old = roster(person(county="220102", born=date(1949, 6, 1), seq=61))
    rv = _post(client, login("jl_employer"), old, locality="220000", channel="employer")
    message = _field(rv, "id_number")
    assert "1949-06-01" in message and "法定退休时间为2009-06" in message and "不是退休申请人" in message


def test_zongyang_refuses_an_application_months_before_the_one_month_window(client, login, roster, clock):
    clock.set(datetime(2027, 2, 10, 9, 0))
    p = roster(person(county="340722", born=date(1966, 12, 4)))
    rv = _post(client, login("zy_community"), p, channel="community")
    message = _field(rv, "id_number")
    assert message.startswith("申请窗口尚未开启：法定退休时间为2027-06") and "2027-05-01起" in message
    clock.set(datetime(2027, 5, 1, 0, 30))
    assert _post(client, login("zy_community"), p, channel="community").status_code == 201


def test_a_flexible_request_is_held_to_the_window_of_the_requested_month(client, login, roster, clock):
    clock.set(datetime(2026, 12, 15, 9, 0))
    p = roster(person(county="340722", born=date(1966, 12, 4)))
    rv = _post(client, login("zy_employer"), p, channel="employer", retirement_choice="early",
               requested_retirement_month="2027-03")
    assert "申请的退休时间为2027-03" in _field(rv, "requested_retirement_month")


def test_jilin_takes_declarations_six_months_out_because_it_has_no_one_month_window(client, login, roster, clock):
    clock.set(datetime(2027, 4, 1, 9, 0))
    p = roster(person(county="220102", born=date(1967, 3, 15), seq=41))
    assert _post(client, login("jl_employer"), p, locality="220000", channel="employer").status_code == 201


def test_online_in_zongyang_is_only_for_the_flexibly_employed(client, login, roster, clock):
    clock.set(MAY_2027)
    employee = roster(person(county="340722", born=date(1966, 12, 4), seq=11))
    freelancer = roster(person(county="340722", born=date(1966, 12, 4), seq=13, flexible=True))
    platform = login("wanshitong")
    rv = _post(client, platform, employee, channel="online")
    assert _field(rv, "channel").startswith("线上申报仅限灵活就业参保人员")
    assert _post(client, platform, freelancer, channel="online").status_code == 201


def test_the_platform_may_not_pretend_to_be_the_employer(client, login, wang):
    rv = _post(client, login("wanshitong"), wang, channel="employer")
    assert rv.status_code == 403 and "只能以“online、individual”渠道提交申请" in rv.json["message"]


@pytest.mark.parametrize("account", ["zy_community", "zy_housing", "wanshitong"])
def test_only_the_hrss_clerks_may_load_people_into_the_roster(client, login, account):
    import io

    csv = "身份证号,姓名,人员类别,行政区划\n220102196703150411,赵国庆,男职工,220102\n".encode()
    rv = client.post("/api/persons/import", headers=login(account), data={"file": (io.BytesIO(csv), "roster.csv")},
                     content_type="multipart/form-data")
    assert rv.status_code == 403


def test_a_man_born_in_1990_is_not_yet_a_retirement_applicant_but_may_ask_for_early_retirement_on_illness(
        client, login, roster, clock):
    clock.set(datetime(2027, 4, 1, 9, 0))
    young = roster(person(county="220102", born=date(1990, 1, 5), seq=71))
    employer = login("jl_employer")
    rv = _post(client, employer, young, locality="220000", channel="employer")
    assert "不受理退休申请" in _field(rv, "id_number")
    rv = _post(client, employer, young, locality="220000", channel="employer", retirement_type="illness")
    assert rv.status_code == 201, "illness and 退职 have their own ages, judged in the case"


def test_a_retirement_cannot_be_started_around_its_application_form(eng, client, login, wang):
    """POST /api/instances with the retirement's key would skip the channel, roster, window and one-case checks."""
    rv = client.post("/api/instances", headers=login("zy_employer"), json={
        "key": "retirement", "locality": "340722", "business_key": "ZY-AROUND",
        "variables": {"id_number": wang["id_number"], "channel": "employer", "bank_card": "6222020000000000001"}})
    assert rv.status_code == 422, rv.json
    assert "申请表" in rv.json["message"] and "key" in rv.json["errors"]["json"]
    assert client.get("/api/instances", headers=login("admin"),
                      query_string={"business_key": "ZY-AROUND"}).json["total"] == 0
