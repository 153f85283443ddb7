"""Before filing, the intake clerk types the ID number and sees whose it is (the roster's person, the statutory
retirement date as the tables derive it, whether the locality's window is open, a running case) and gets the
locality's application form with the roster's values filled in. The whole name is an audited read."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from engine.store.models import AuditEvent
from handlers.personal import make_id_number
from tests.support.people import application_data, person

MAY_2027 = datetime(2027, 5, 6, 10, 0)


def _lookup(client, headers, id_number, **extra):
    return client.post("/api/persons/lookup", headers={**headers, **extra}, json={"id_number": id_number})


def test_the_community_clerk_sees_whose_id_number_it_is_and_that_the_window_is_open(eng, client, login, roster, clock):
    clock.set(MAY_2027)
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国"))
    rv = _lookup(client, login("zy_community"), wang["id_number"])
    assert rv.status_code == 200, rv.json
    body = rv.json
    assert body["locality"] == "340722" and body["person"]["name"] == "王建国"
    assert body["person"]["id_number_masked"] != wang["id_number"] and body["person"]["phone_masked"] == "139****5678"
    assert body["person"]["birth_date"] == "1966-12-04" and body["person"]["gender"] == "male"
    assert body["statutory"]["retirement_month"] == "2027-06"
    assert "出生年月1966-12" in body["statutory"]["derivation"] and "法定退休时间2027-06" in body["statutory"]["derivation"]
    assert body["window"] == {"opens": "2027-05-01", "closes": body["window"]["closes"], "open_now": True,
                              "message": "申请窗口已开启，可以受理申请"}
    assert body["running_case"] is None
    assert body["prefill"]["name"] == "王建国" and body["prefill"]["channel"] == "community"
    assert body["prefill"]["id_number"] == wang["id_number"] and "bank_card" not in body["prefill"]
    with eng.runtime.reading() as s:
        [row] = s.scalars(sa.select(AuditEvent).where(AuditEvent.resource == "person")).all()
    assert row.action == "read_whole" and row.username == "zy_community" and wang["id_number"] not in row.resource_id


def test_zongyangs_one_month_window_is_not_open_three_months_before(client, login, roster, clock):
    clock.set(datetime(2027, 2, 10, 9, 0))
    wang = roster(person(county="340722", born=date(1966, 12, 4)))
    window = _lookup(client, login("zy_community"), wang["id_number"]).json["window"]
    assert window["open_now"] is False and "2027-05-01起受理申请" in window["message"]


def test_a_person_with_a_running_case_shows_it(client, login, roster, clock):
    clock.set(MAY_2027)
    wang = roster(person(county="340722", born=date(1966, 12, 4)))
    headers = login("zy_community")
    filed = client.post("/api/applications", headers=headers,
                        json={"locality": "340722", "data": application_data(wang, channel="community")}).json
    running = _lookup(client, headers, wang["id_number"]).json["running_case"]
    assert running == {"business_key": filed["business_key"], "instance_id": filed["instance_id"]}
    again = client.post("/api/applications", headers=headers,
                        json={"locality": "340722", "data": application_data(wang, channel="community")})
    assert again.status_code == 409 and f"业务编号 {filed['business_key']}" in again.json["message"]
    assert "查询办理进度" in again.json["message"]


def test_a_mistyped_check_digit_is_422_on_the_id_number_in_chinese(client, login, clock):
    number = make_id_number("340722", date(1966, 12, 4), 11)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    rv = _lookup(client, login("zy_community"), wrong)
    assert rv.status_code == 422 and rv.json["errors"]["json"]["id_number"][0].startswith("身份证号码校验码不符")


def test_the_same_mistake_reads_in_english_for_an_english_browser(client, login):
    number = make_id_number("340722", date(1966, 12, 4), 11)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    rv = _lookup(client, login("zy_community"), wrong, **{"Accept-Language": "en"})
    assert rv.status_code == 422 and rv.json["message"] == "the ID number is not valid"
    assert rv.json["errors"]["json"]["id_number"] == ["check digit does not match"]


def test_someone_not_on_the_roster_and_a_jilin_person_are_both_404(client, login, roster, clock):
    clock.set(MAY_2027)
    stranger = person(county="340722", born=date(1966, 12, 4), seq=77)
    jilin = roster(person(county="220102", born=date(1966, 12, 4), seq=55))
    headers = login("zy_community")
    for p in (stranger, jilin):
        rv = _lookup(client, headers, p["id_number"])
        assert rv.status_code == 404 and rv.json["message"].startswith("该身份证号码不在本地参保人员名单中")


def test_a_department_that_takes_no_applications_may_not_look_people_up(client, login, roster, clock):
    wang = roster(person(county="340722", born=date(1966, 12, 4)))
    for account in ("zy_housing", "zy_hrss", "auditor"):
        assert _lookup(client, login(account), wang["id_number"]).status_code == 403


def test_the_form_of_each_locality_is_the_one_applications_are_checked_against(client, login):
    rv = client.get("/api/applications/form", headers=login("zy_community"), query_string={"locality": "340722"})
    assert rv.status_code == 200 and rv.json["process_key"] == "retirement" and rv.json["locality_name"] == "枞阳县"
    keys = [c.get("key") for c in rv.json["form"]["components"]]
    assert "id_number" in keys and "bank_card" in keys
    assert client.get("/api/applications/form", headers=login("zy_community"),
                      query_string={"locality": "220000"}).status_code == 403


def test_the_filled_application_form_prints_on_one_a4_page_for_the_intake_that_filed_it(eng, client, login, roster,
                                                                                       clock):
    clock.set(MAY_2027)
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国"))
    filed = client.post("/api/applications", headers=login("zy_community"),
                        json={"locality": "340722", "data": application_data(wang, channel="community")}).json
    url = f"/api/applications/{filed['id']}/form.pdf"
    pdf = client.get(url, headers=login("zy_community"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.count(b"/Type /Page\n") <= 1
    assert wang["id_number"].encode() in pdf.data and filed["business_key"].encode() in pdf.data
    assert pdf.data.count(b"/Type /Page") - pdf.data.count(b"/Type /Pages") == 1, "one page"
    assert client.get(url, headers=login("zy_housing")).status_code == 403
    assert client.get(url, headers=login("jl_hrss")).status_code == 404
    with eng.runtime.reading() as s:
        reads = s.scalars(sa.select(AuditEvent).where(AuditEvent.resource == "application")).all()
    assert [(r.username, r.details["view"]) for r in reads] == [("zy_community", "form.pdf")]
