"""The housing-fund centre receives a person who was given an offline appointment (枞人社〔2024〕62号 三（五）
“提供线上办理或线下预约办理服务”; 吉人社联〔2024〕56号 四（二）“保留线下业务受理渠道”): on the appointment day, never
before the retirement day (住房公积金管理条例 第二十四条), its clerk checks the person's identity and confirms the
withdrawal goes to the card the centre or the roster holds; a no-show is rebooked or the item ends with the reason.
Online applicants keep the automatic path. Run over HTTP as the demo's housing-fund clerks, on a fake clock."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.e2e.helpers import (at, beijing_day, complete, file_application, item_states, jilin_to_launch, progress,
                               tasks, the_task, tick)
from tests.support.housing_window import zongyang_employer_case
from tests.support.people import application_data, person

CARD_ON_FILE = "6217001234567890123"          # tests.support.people: the centre's and the roster's card
TYPED_CARD = "6222020000000000999"
JILIN_BORN = date(1967, 3, 15)               # male: 60 years 7 months → retires 2027-10-15


def _payments(eng, id_number: str) -> list[dict]:
    from handlers.ledger.schema import housing_fund_withdrawals
    with eng.runtime.db.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(housing_fund_withdrawals).where(
            housing_fund_withdrawals.c.id_number == id_number)).mappings()]


def _account_status(eng, id_number: str) -> str:
    from handlers.ledger.schema import housing_fund_accounts
    with eng.runtime.db.connect() as conn:
        return conn.execute(sa.select(housing_fund_accounts.c.status).where(
            housing_fund_accounts.c.id_number == id_number)).scalar_one()


def _outbox(client, admin, bk):
    return client.get("/api/notifications", headers=admin,
                      query_string={"business_key": bk, "page_size": 500}).json["items"]


def _jilin_case(client, login, eng, clock, roster, *, channel, declarer="jl_employer"):
    p = roster(person(county="220102", born=JILIN_BORN, name="冯军"))
    hrss = login("jl_hrss")
    at(clock, eng, "2027-04-01T09:00:00")
    app_id, bk = file_application(client, login(declarer), "220000", application_data(p, channel=channel))
    tick(eng)
    jilin_to_launch(client, login, eng, clock, bk)
    complete(client, hrss, the_task(client, hrss, "Task_formal_approval", bk),
             {"decision": "approve", "approval_note": "正常退休"})
    tick(eng)
    return p, app_id, bk


def _came(**hostile):
    return {"reception_outcome": "came", "identity_checked": True, "pay_to_card_on_file": True, **hostile}


def test_a_zongyang_offline_applicant_is_received_at_the_centres_window_on_the_appointment_day_and_paid_to_the_card_on_file(
        eng, clock, client, login, roster):
    li, app_id, bk = zongyang_employer_case(client, login, eng, clock, roster)
    housing, employer = login("zy_housing"), login("zy_employer")
    booked = [n for n in _outbox(client, login("admin"), bk)
              if n["template"] == "contact_offline" and "公积金" in n["text"]]
    assert len(booked) == 1 and "2027-06-21" in booked[0]["text"], "the SMS gives the person the date and the place"

    at(clock, eng, "2027-06-19T23:00:00")
    assert tasks(client, housing, business_key=bk) == [], "nothing for the centre before the retirement day"
    at(clock, eng, "2027-06-20T08:00:00")
    task = the_task(client, housing, "Task_hf_reception", bk)
    assert beijing_day(task["due_at"]) == "2027-06-21", "due on the appointment day"
    prog = progress(client, employer, app_id)
    assert prog["status"] == "running" and item_states(prog)["housing_fund_withdrawal"] == "in_progress"
    step = [n for n in prog["next"] if n["type"] == "task" and "公积金" in (n["department"] or "")]
    assert step and "公积金中心" in step[0]["name"] and beijing_day(step[0]["due"]) == "2027-06-21", prog["next"]

    shown = client.get(f"/api/tasks/{task['id']}", headers=housing).json
    assert shown["data"]["card_on_file"] == "*" * 15 + CARD_ON_FILE[-4:], "the clerk sees the card on file, masked"
    assert CARD_ON_FILE not in str(shown["data"].get("card_on_file_source"))
    assert [c for c in shown["form"]["components"] if c.get("key") == "card_on_file"][0]["readonly"] is True

    rv = client.post(f"/api/tasks/{task['id']}/complete", headers=housing,
                     json={"data": {"reception_outcome": "came"}})
    assert rv.status_code == 422 and "identity_checked" in str(rv.json), "identity must be checked when the person came"
    assert _payments(eng, li["id_number"]) == []

    complete(client, housing, task, _came(card_on_file=TYPED_CARD, bank_card=TYPED_CARD, requested_card=TYPED_CARD))
    tick(eng)
    paid = _payments(eng, li["id_number"])
    assert [p["bank_card"] for p in paid] == [CARD_ON_FILE], "a card typed at the window never goes to payment"
    prog = progress(client, employer, app_id)
    assert item_states(prog)["housing_fund_withdrawal"] == "done"
    assert {i["code"]: i["result"] for i in prog["items"]}["housing_fund_withdrawal"][
        "housing_fund_withdrawal"]["paid_on"] == "2027-06-20"


def test_a_no_show_is_rebooked_with_a_new_sms_and_then_ended_as_not_done_with_the_reason(
        eng, clock, client, login, roster):
    li, app_id, bk = zongyang_employer_case(client, login, eng, clock, roster)
    housing, admin = login("zy_housing"), login("admin")
    at(clock, eng, "2027-06-21T17:00:00")
    first = the_task(client, housing, "Task_hf_reception", bk)
    rv = client.post(f"/api/tasks/{first['id']}/complete", headers=housing,
                     json={"data": {"reception_outcome": "absent", "absent_action": "rebook"}})
    assert rv.status_code == 422 and "rebook_on" in str(rv.json), "a rebooking names the date agreed"
    complete(client, housing, first, {"reception_outcome": "absent", "absent_action": "rebook",
                                      "rebook_on": "2027-06-26"})   # a Saturday: moved to Monday 28 June
    tick(eng)
    second = the_task(client, housing, "Task_hf_reception", bk)
    assert second["id"] != first["id"] and beijing_day(second["due_at"]) == "2027-06-28"
    rebooked = [n for n in _outbox(client, admin, bk) if n["template"] == "contact_offline" and "2027-06-28" in n["text"]]
    assert len(rebooked) == 1, "the person is told the new date"
    assert _account_status(eng, li["id_number"]) == "open", "nothing is sealed while the person has not come"

    at(clock, eng, "2027-06-28T17:30:00")
    complete(client, housing, second, {"reception_outcome": "absent", "absent_action": "end",
                                       "end_reason": "两次预约未到，电话联系不上"})
    tick(eng)
    assert tasks(client, housing, business_key=bk) == []
    assert _payments(eng, li["id_number"]) == [] and _account_status(eng, li["id_number"]) == "open"
    prog = progress(client, login("zy_employer"), app_id)
    assert item_states(prog)["housing_fund_withdrawal"] == "rejected", "ended, and not counted as done"
    result = {i["code"]: i["result"] for i in prog["items"]}["housing_fund_withdrawal"]
    assert "两次预约未到" in result["housing_fund_not_done"]["reason"]
    public = client.post("/api/public/progress", json={"business_key": bk, "id_tail": li["id_number"][-6:]})
    assert public.status_code == 200, public.json
    item = [i for i in public.json["items"] if i["item"] == "housing_fund_withdrawal"][0]
    assert "两次预约未到" in (item["result_text"] or ""), "the applicant's own page shows the reason, not just 未通过"


def test_a_jilin_offline_applicant_is_received_by_jilins_centre_only_and_paid_to_the_card_on_file(
        eng, clock, client, login, roster):
    p, app_id, bk = _jilin_case(client, login, eng, clock, roster, channel="archive_agency")
    jl, zy = login("jl_housing"), login("zy_housing")
    at(clock, eng, "2027-10-14T23:00:00")
    assert tasks(client, jl, business_key=bk) == [], "nothing for the centre before the retirement day"
    at(clock, eng, "2027-10-15T08:00:00")
    task = the_task(client, jl, "Task_hf_reception", bk)
    booked = progress(client, login("jishiban"), app_id)
    assert beijing_day(task["due_at"]) >= "2027-10-15"
    sms = [n for n in _outbox(client, login("admin"), bk) if n["template"] == "contact_offline" and "公积金" in n["text"]]
    assert len(sms) == 1 and beijing_day(task["due_at"]) in sms[0]["text"], "due on the day the SMS gave"
    assert item_states(booked)["housing_fund_withdrawal"] == "in_progress"

    assert tasks(client, zy, business_key=bk) == [], "another locality's housing clerk never sees it"
    assert all(t["activity_id"] != "Task_hf_reception" or t["business_key"] != bk for t in tasks(client, zy))
    assert client.get(f"/api/tasks/{task['id']}", headers=zy).status_code in (403, 404)
    assert client.post(f"/api/tasks/{task['id']}/complete", headers=zy,
                       json={"data": _came()}).status_code in (403, 404)

    complete(client, jl, task, _came(bank_card=TYPED_CARD))
    tick(eng)
    assert [x["bank_card"] for x in _payments(eng, p["id_number"])] == [CARD_ON_FILE]
    assert item_states(progress(client, login("jishiban"), app_id))["housing_fund_withdrawal"] == "done"


def test_an_online_applicant_gets_no_window_task_and_is_paid_on_the_retirement_day(eng, clock, client, login, roster):
    p, app_id, bk = _jilin_case(client, login, eng, clock, roster, channel="employer")   # Jilin: employers go online
    at(clock, eng, "2027-10-15T08:00:00")
    tick(eng)
    assert tasks(client, login("jl_housing"), business_key=bk) == []
    assert [x["paid_on"] for x in _payments(eng, p["id_number"])] == [date(2027, 10, 15)]
    assert item_states(progress(client, login("jishiban"), app_id))["housing_fund_withdrawal"] == "done"
