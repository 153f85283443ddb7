"""The applicant's own page, without an account: the link in the SMS (a signed token bound to the case, expiring
after the locality's public.progress_token_days) or the business key plus the last six characters of the ID number
opens it. It shows each joint item, what happens next, by whom and by when in plain Chinese, the rights notice and,
in Jilin, the only-child reward's policy and channel — never the person's name, ID number, phone or bank card.
Guessing is answered with one 404 whatever was wrong, and limited per business key."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from handlers.ledger.schema import sms_outbox
from tests.support.people import application_data, person

MAY_2027 = datetime(2027, 5, 6, 10, 0)


@pytest.fixture
def wang(client, login, roster, clock):
    clock.set(MAY_2027)
    p = roster(person(county="340722", born=date(1966, 12, 4), name="王建国", phone="13912345678"))
    rv = client.post("/api/applications", headers=login("zy_community"),
                     json={"locality": "340722", "data": application_data(p, channel="community")})
    assert rv.status_code == 201, rv.json
    return {**p, **rv.json}


def _sms_link(eng, business_key: str) -> str:
    with eng.runtime.db.connect() as conn:
        text = conn.scalar(sa.select(sms_outbox.c.text).where(sms_outbox.c.business_key == business_key,
                                                              sms_outbox.c.template == "application_received"))
    return text


def _token(eng, business_key):
    return re.search(r"/progress\?t=([\w.\-]+)", _sms_link(eng, business_key)).group(1)


def _progress(client, **body):
    return client.post("/api/public/progress", json=body)


def test_the_sms_of_an_accepted_application_carries_the_link_to_the_applicants_page(eng, client, login, wang):
    text = _sms_link(eng, wang["business_key"])
    assert text.startswith("【人社】王建国您好，您的退休“一件事”申请已受理") and "/progress?t=" in text
    listed = client.get("/api/notifications", headers=login("zy_hrss"),
                        query_string={"business_key": wang["business_key"]}).get_data(as_text=True)
    assert _token(eng, wang["business_key"]) not in listed, "the outbox a clerk reads does not hold the token"


def test_the_link_opens_the_cases_items_and_what_happens_next_in_plain_chinese(eng, client, wang):
    rv = _progress(client, token=_token(eng, wang["business_key"]))
    assert rv.status_code == 200, rv.json
    body = rv.json
    assert body["business_key"] == wang["business_key"] and body["state_label"] == "办理中"
    assert [i["item"] for i in body["items"]] == ["pension_claim", "retiree_medical", "housing_fund_withdrawal"]
    assert all(i["department_name"] and i["state_label"] for i in body["items"])
    upcoming = [i["next"] for i in body["items"] if i["next"]] + body["next"]
    assert upcoming and all(re.search(r"[\u4e00-\u9fff]", n["what"]) for n in upcoming), upcoming
    assert body["rights_notice"]["title"] == "退休权益告知" and body["only_child"] is None
    assert body["certificate_url"] is None


def test_the_page_shows_nothing_else_of_the_person(eng, client, wang):
    text = _progress(client, token=_token(eng, wang["business_key"])).get_data(as_text=True)
    for secret in (wang["name"], wang["id_number"], wang["phone"], wang["bank_card"], wang["id_number"][-6:], "王*"):
        assert secret not in text


def test_the_business_key_and_the_id_numbers_last_six_open_the_same_page(eng, client, wang):
    by_tail = _progress(client, business_key=wang["business_key"], id_tail=wang["id_number"][-6:].lower())
    by_link = _progress(client, token=_token(eng, wang["business_key"]))
    assert by_tail.status_code == 200
    assert by_tail.json["items"] == by_link.json["items"]


def test_a_wrong_tail_and_an_unknown_key_get_the_same_answer(client, wang):
    wrong = _progress(client, business_key=wang["business_key"], id_tail="000000")
    unknown = _progress(client, business_key="340722-20270506-FFFFFF", id_tail=wang["id_number"][-6:])
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json == unknown.json and wrong.json["message"].startswith("未查到该办件")


def test_guessing_tails_is_stopped_after_five_wrong_tries_for_one_business_key(client, wang):
    for guess in range(5):
        assert _progress(client, business_key=wang["business_key"], id_tail=f"{guess:06d}").status_code == 404
    rv = _progress(client, business_key=wang["business_key"], id_tail=wang["id_number"][-6:])
    assert rv.status_code == 429 and rv.json["message"].startswith("该业务编号核对失败次数过多")


def test_an_expired_link_says_so_and_points_to_the_other_way_in(eng, client, clock, wang):
    token = _token(eng, wang["business_key"])
    clock.set(MAY_2027 + timedelta(days=31))
    rv = _progress(client, token=token)
    assert rv.status_code == 410 and "业务编号和身份证号码后六位" in rv.json["message"]


def test_an_altered_or_foreign_token_opens_nothing(eng, client, login, wang):
    token = _token(eng, wang["business_key"])
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    login_token = login("zy_community")["Authorization"].split()[1]
    for bad in (altered, login_token, "x" * 40):
        assert _progress(client, token=bad).status_code == 404


def test_a_progress_token_is_no_login(eng, client, wang):
    token = _token(eng, wang["business_key"])
    assert client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_link_of_one_case_does_not_open_another(eng, client, login, roster, clock, wang):
    from handlers import progress_link

    forged = progress_link.issue(wang["business_key"], "0" * 36, clock.now(),
                                 secret="test-secret-key-0123456789-abcdefghijklmnop")
    assert _progress(client, token=forged).status_code == 404


def test_a_jilin_applicant_sees_the_only_child_rewards_policy_and_channel(eng, client, login, roster, clock):
    clock.set(datetime(2027, 4, 1, 9, 0))
    zhao = roster(person(county="220102", born=date(1967, 9, 15), seq=41, name="赵国庆"))
    filed = client.post("/api/applications", headers=login("jl_employer"),
                        json={"locality": "220000", "data": application_data(zhao, channel="employer")}).json
    body = _progress(client, token=_token(eng, filed["business_key"])).json
    assert "独生子女父母光荣证" in body["only_child"]["policy"] and "吉事办" in body["only_child"]["channel"]
    assert any(i["item"] == "only_child_reward" for i in body["items"])


def test_the_page_reads_in_english_for_an_english_browser(eng, client, wang):
    rv = client.post("/api/public/progress", json={"token": _token(eng, wang["business_key"])},
                     headers={"Accept-Language": "en"})
    assert rv.json["state_label"] == "in progress"
    wrong = client.post("/api/public/progress", json={"business_key": "nope-1234", "id_tail": "123456"},
                        headers={"Accept-Language": "en"})
    assert wrong.json["message"].startswith("no case matches")


def test_the_certificate_link_waits_for_the_approval(eng, client, wang):
    rv = client.get("/api/public/certificate.pdf", query_string={"token": _token(eng, wang["business_key"])})
    assert rv.status_code == 409 and rv.json["message"].startswith("退休尚未审批")
