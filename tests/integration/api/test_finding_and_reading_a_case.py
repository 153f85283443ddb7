"""A clerk finds a case by the person's ID number, name or business key, and reads whose case it is on one page:
masked by default, whole only for a department that works on the case, and every search and whole read audited
without the whole ID number in the audit row."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from engine.store.models import AuditEvent
from tests.support.people import application_data, person

MAY_2027 = datetime(2027, 5, 6, 10, 0)


@pytest.fixture
def filed(client, login, roster, clock):
    """Wang's case in Zongyang (filed by the community) and Zhao's in Jilin (filed by the employer)."""
    clock.set(MAY_2027)
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国"))
    rv = client.post("/api/applications", headers=login("zy_community"),
                     json={"locality": "340722", "data": application_data(wang, channel="community")})
    assert rv.status_code == 201, rv.json
    zhao = roster(person(county="220102", born=date(1967, 9, 15), seq=41, name="赵国庆"))
    rj = client.post("/api/applications", headers=login("jl_employer"),
                     json={"locality": "220000", "data": application_data(zhao, channel="employer")})
    assert rj.status_code == 201, rj.json
    return {"wang": wang, "zy": rv.json, "zhao": zhao, "jl": rj.json}


def _search(client, headers, q):
    return client.post("/api/instances/search", headers=headers, json={"q": q})


def test_the_community_clerk_finds_the_case_they_filed_by_id_number_name_and_business_key(client, login, filed):
    headers = login("zy_community")
    for q in (filed["wang"]["id_number"], "王建", filed["zy"]["business_key"], filed["wang"]["id_number"].lower()):
        rv = _search(client, headers, q)
        assert rv.status_code == 200, rv.json
        [hit] = rv.json["items"]
        assert hit["business_key"] == filed["zy"]["business_key"] and hit["name_masked"] == "王**"
        assert hit["id_number_masked"].endswith(filed["wang"]["id_number"][-4:])
        assert filed["wang"]["id_number"] not in rv.get_data(as_text=True)
        assert hit["state"] == "running" and hit["state_label"] == "办理中"


def test_a_zongyang_clerk_does_not_find_a_jilin_case_by_any_of_its_keys(client, login, filed):
    headers = login("zy_hrss")
    for q in (filed["zhao"]["id_number"], "赵国庆", filed["jl"]["business_key"]):
        assert _search(client, headers, q).json["items"] == []


def test_the_housing_fund_clerk_finds_no_case_before_their_department_has_work_in_it(client, login, filed):
    assert _search(client, login("zy_housing"), filed["wang"]["id_number"]).json["items"] == []


def test_a_search_is_audited_without_the_whole_id_number(eng, client, login, filed):
    _search(client, login("zy_community"), filed["wang"]["id_number"])
    with eng.runtime.reading() as s:
        row = s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "search")).all()[-1]
    assert row.username == "zy_community" and row.details["kind"] == "id_number" and row.details["hits"] == 1
    assert filed["wang"]["id_number"] not in str(row.details)


def test_a_one_character_name_is_too_little_to_search_by(client, login, filed):
    rv = _search(client, login("zy_community"), "王")
    assert rv.status_code == 422 and "至少输入两个字" in rv.json["errors"]["json"]["q"][0]


def test_the_summary_shows_whose_case_it_is_masked_with_the_retirement_date_and_its_derivation(client, login, filed):
    rv = client.get(f"/api/instances/{filed['zy']['instance_id']}/summary", headers=login("zy_community"))
    assert rv.status_code == 200, rv.json
    s = rv.json
    assert s["person"] == {"name": "王**", "id_number": filed["wang"]["id_number"][:6] + "********"
                           + filed["wang"]["id_number"][-4:], "phone": "139****5678", "birth_date": "1966-12"}
    assert s["retirement"]["date"].startswith("2027-")
    assert "出生年月1966-12" in s["retirement"]["derivation"] and "法定退休年龄" in s["retirement"]["derivation"]
    assert s["channel"] == "community" and s["channel_label"] == "社区（村、居委会）"
    assert [i["item"] for i in s["joint_items"]] == ["pension_claim", "retiree_medical", "housing_fund_withdrawal"]
    assert s["joint_items"][2]["department_name"] == "住房公积金管理中心" and s["joint_items"][2]["state_label"]
    assert s["history"][0]["what"] == "受理申请" and s["history"][0]["by"] == "zy_community"


def test_the_summary_speaks_english_when_the_browser_asks_for_it(client, login, filed):
    headers = {**login("zy_community"), "Accept-Language": "en-US,en;q=0.9"}
    s = client.get(f"/api/instances/{filed['zy']['instance_id']}/summary", headers=headers).json
    assert s["state_label"] == "in progress" and s["channel_label"] == "community office"
    assert s["retirement"]["derivation"].startswith("born 1966-12")


def test_the_whole_summary_is_for_a_department_that_works_on_the_case_and_is_audited(eng, client, login, filed):
    url = f"/api/instances/{filed['zy']['instance_id']}/summary"
    assert client.get(url, headers=login("zy_medical"), query_string={"whole": "true"}).status_code == 403
    admin = client.get(url, headers=login("admin"), query_string={"whole": "true"})
    assert admin.json["person"]["id_number"] == filed["wang"]["id_number"]
    assert admin.json["person"]["name"] == "王建国" and admin.json["person"]["birth_date"] == "1966-12-04"
    with eng.runtime.reading() as s:
        reads = s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "read_whole")).all()
    assert [(r.username, r.details.get("view")) for r in reads] == [("admin", "summary")]


def test_the_summary_of_a_jilin_case_is_404_for_a_zongyang_clerk(client, login, filed):
    rv = client.get(f"/api/instances/{filed['jl']['instance_id']}/summary", headers=login("zy_hrss"))
    assert rv.status_code == 404
