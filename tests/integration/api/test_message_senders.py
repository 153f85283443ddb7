"""A message to a case is accepted only from the party its locality names (settings.yaml message_senders):
Jilin's formal launch from 吉事办 or the employer, Zongyang's materials receipt from the county HRSS."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.support.people import application_data, person


@pytest.fixture
def jilin_case(client, login, roster, clock):
    clock.set(datetime(2027, 4, 1, 9, 0))
    p = roster(person(county="220102", born=date(1967, 3, 15), seq=41))
    rv = client.post("/api/applications", headers=login("jl_employer"),
                     json={"locality": "220000", "data": application_data(p, channel="employer")})
    assert rv.status_code == 201, rv.json
    return rv.json["business_key"]


def _launch(client, headers, business_key, locality="220000"):
    return client.post("/api/messages", headers=headers, json={
        "name": "formal_launch", "business_key": business_key, "locality": locality, "payload": {"by": "employer"}})


@pytest.mark.parametrize("account", ["jl_hrss", "jl_medical", "jl_housing", "jl_police"])
def test_a_department_clerk_may_not_send_jilins_formal_launch(client, login, jilin_case, account):
    rv = _launch(client, login(account), jilin_case)
    assert rv.status_code == 403
    assert rv.json["message"].startswith("消息“formal_launch”只能由channel、employer发送")


def test_a_clerk_of_another_province_may_not_touch_a_jilin_case(client, login, jilin_case):
    assert _launch(client, login("zy_employer"), jilin_case).status_code == 403
    assert _launch(client, login("zy_employer"), jilin_case, locality="340722").status_code == 404, \
        "under the clerk's own locality no such case exists"


@pytest.mark.parametrize("account", ["jishiban", "jl_employer"])
def test_the_platform_and_the_employer_may_launch_once_the_case_waits_for_it(client, login, jilin_case, account):
    rv = _launch(client, login(account), jilin_case)
    assert rv.status_code == 404, "accepted from this party; the case does not wait for the launch yet"


def test_zongyangs_materials_receipt_comes_from_the_county_hrss_not_from_the_community(client, login, roster, clock):
    clock.set(datetime(2027, 5, 6, 10, 0))
    p = roster(person(county="340722", born=date(1966, 12, 4)))
    rv = client.post("/api/applications", headers=login("zy_community"),
                     json={"locality": "340722", "data": application_data(p, channel="community")})
    bk = rv.json["business_key"]
    body = {"name": "materials_submitted", "business_key": bk, "locality": "340722", "payload": {}}
    refused = client.post("/api/messages", headers=login("zy_community"), json=body)
    assert refused.status_code == 403 and "只能由hrss发送" in refused.json["message"]
    assert client.post("/api/messages", headers=login("zy_hrss"), json=body).status_code == 404


def test_a_message_no_locality_lists_is_refused_to_everyone_but_the_operator(client, login, jilin_case):
    body = {"name": "materials_submitted", "business_key": jilin_case, "locality": "220000", "payload": {}}
    rv = client.post("/api/messages", headers=login("jishiban"), json=body)
    assert rv.status_code == 403 and "系统内部（不经接口）" in rv.json["message"]
    assert client.post("/api/messages", headers=login("admin"), json=body).status_code == 404
