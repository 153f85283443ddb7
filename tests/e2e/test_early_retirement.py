"""Early retirement over HTTP: special work, illness or non-work disability, and 退职. HRSS reviews the original
file (or records the labour-capacity appraisal), the early_retirement_route table decides, an eligible case retires
on the 1st of next month and runs on; an ineligible one is told why and its item is closed as rejected."""
from __future__ import annotations

from datetime import date

from tests.support.people import application_data, person

from .helpers import at, complete, item_states, progress, receive_at_the_housing_window, tasks, the_task, tick


def _apply(client, headers, p, retirement_type, locality="340722", channel="employer"):
    rv = client.post("/api/applications", headers=headers, json={
        "locality": locality, "data": application_data(p, channel=channel, retirement_type=retirement_type)})
    assert rv.status_code == 201, rv.json
    return rv.json["id"], rv.json["business_key"]


def _texts(client, headers, business_key, template):
    rv = client.get("/api/notifications", headers=headers, query_string={"business_key": business_key})
    return [n["text"] for n in rv.json["items"] if n["template"] == template]


def test_a_miner_with_twelve_years_underground_retires_early_on_the_first_of_next_month(eng, clock, client, login, roster):
    # born 1971-05: 55 years 7 months on 2026-12-01, statutory date much later
    miner = roster(person(county="340722", born=date(1971, 5, 10), name="矿工甲"))
    hrss = login("zy_hrss")
    at(clock, eng, "2026-11-23T09:00:00")
    app_id, bk = _apply(client, login("zy_employer"), miner, "special_work")
    tick(eng)
    review = the_task(client, hrss, "Task_early_special", bk)
    bad = client.post(f"/api/tasks/{review['id']}/complete", headers=hrss,
                      json={"data": {"file_work_type": "coal", "special_work_years": 12}})
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"file_work_type", "file_reviewed"}
    complete(client, hrss, review, {"file_work_type": "underground", "special_work_years": 12, "file_reviewed": True})
    tick(eng)

    # eligible: retirement on 2026-12-01, so the one-month application window is already open
    accept = the_task(client, hrss, "Task_accept_employer", bk)
    assert accept["summary"]["retirement_date"] == "2026-12-01"
    complete(client, hrss, accept, {"application_form_received": True, "personnel_file_received": True,
                                    "joint_items": ["pension_claim", "retiree_medical", "housing_fund_withdrawal"]})
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_approve", bk), {"decision": "approve"})
    tick(eng)
    assert progress(client, hrss, app_id)["status"] == "running", "the seal and the medical switch wait for 1 December"
    at(clock, eng, "2026-12-01T08:00:00")
    receive_at_the_housing_window(client, login("zy_housing"), bk)   # booked offline (employer channel)
    tick(eng)
    prog = progress(client, hrss, app_id)
    assert prog["status"] == "completed"
    pension = {i["code"]: i["result"] for i in prog["items"]}["pension_claim"]["pension"]
    assert pension["divisor"] == "166.5", "born 1971-05, retiring 2026-12 at 55y7m: 170 - (170 - 164) × 7 / 12"


def test_too_few_years_of_special_work_closes_the_claim_as_rejected_and_says_why(eng, clock, client, login, roster):
    p = roster(person(county="340722", born=date(1971, 5, 10), name="矿工乙"))
    hrss, admin = login("zy_hrss"), login("admin")
    at(clock, eng, "2026-11-23T09:00:00")
    app_id, bk = _apply(client, login("zy_employer"), p, "special_work")
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_early_special", bk),
             {"file_work_type": "high_temperature", "special_work_years": 7.5, "file_reviewed": True})
    tick(eng)
    prog = progress(client, hrss, app_id)
    assert prog["status"] == "completed"
    assert item_states(prog)["pension_claim"] == "rejected"
    result = {i["code"]: i["result"] for i in prog["items"]}["pension_claim"]
    assert result["early_review"]["reason"] == "井下、高温累计年限不足9年"
    (text,) = _texts(client, admin, bk, "early_rejected")
    assert "井下、高温累计年限不足9年" in text
    assert not [t for t in tasks(client, hrss) if t["business_key"] == bk]


def test_an_illness_case_without_an_appraisal_waits_for_it_and_then_proceeds(eng, clock, client, login, roster):
    # born 1974-03: 52 years 9 months on 2026-12-01 (at least 50 for men)
    p = roster(person(county="220102", born=date(1974, 3, 1), name="病甲"))
    employer, hrss, channel = login("jl_employer"), login("jl_hrss"), login("jishiban")
    at(clock, eng, "2026-11-23T09:00:00")
    app_id, bk = _apply(client, employer, p, "illness", locality="220000")
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_early_illness", bk), {"appraisal_conclusion": "pending"})
    tick(eng)
    appraisal = the_task(client, hrss, "Task_early_appraisal", bk)
    complete(client, hrss, appraisal, {"appraisal_conclusion": "complete", "appraisal_date": "2026-12-10",
                                       "appraisal_committee": "长春市劳动能力鉴定委员会"})
    tick(eng)
    pre = the_task(client, hrss, "Task_prereview", bk)
    assert pre["summary"]["retirement_date"] == "2026-12-01"
    assert pre["due_at"] >= "2026-11-30", "an early case's pre-review is due in working days, not in the past"
    assert item_states(progress(client, channel, app_id))["early_illness"] != "rejected"


def test_resignation_goes_to_a_clerk_who_decides_with_a_reason(eng, clock, client, login, roster):
    p = roster(person(county="340722", born=date(1978, 8, 1), name="退职甲"))
    hrss, admin = login("zy_hrss"), login("admin")
    at(clock, eng, "2026-11-23T09:00:00")
    app_id, bk = _apply(client, login("zy_employer"), p, "resignation")
    tick(eng)
    manual = the_task(client, hrss, "Task_early_manual", bk)
    bad = client.post(f"/api/tasks/{manual['id']}/complete", headers=hrss, json={"data": {"manual_decision": "reject"}})
    assert bad.status_code == 422 and "review_note" in bad.json["errors"]["json"]
    complete(client, hrss, manual, {"manual_decision": "reject", "review_note": "不符合本省退职条件"})
    tick(eng)
    prog = progress(client, hrss, app_id)
    assert item_states(prog)["pension_claim"] == "rejected"
    assert _texts(client, admin, bk, "early_rejected") == [
        "【人社】退**您好，您的提前退休（退职）申请未获准：不符合本省退职条件。如有疑问请联系经办机构。"], \
        "the outbox as listed masks the name"
