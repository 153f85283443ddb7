"""Jilin (吉人社联〔2024〕56号): the joint items the person asks for on the application, and only those, reach their
departments; nothing is sealed before the retirement day."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.support.people import application_data, person

from .helpers import at, complete, item_states, progress, the_task, tick


def test_a_person_who_asks_only_for_the_medical_item_keeps_his_housing_fund_and_gets_no_reward_case(
        eng, clock, client, login, roster):
    # Born 1967-03-15: 60 years 7 months → retires 2027-10, reaches the age on 15 October
    sun = roster(person(county="220102", born=date(1967, 3, 15), name="孙立", only_child_certificate="JL-2001-0043"))
    employer, hrss, channel = login("jl_employer"), login("jl_hrss"), login("jishiban")
    at(clock, eng, "2027-04-01T09:00:00")
    rv = client.post("/api/applications", headers=employer, json={"locality": "220000", "data": application_data(
        sun, channel="employer", requested_items=["medical_deemed_years"])})
    assert rv.status_code == 201, rv.json
    app_id, bk = rv.json["id"], rv.json["business_key"]
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_prereview", bk), {"file_reviewed": True,
                                                                            "prereview_result": "pass"})
    tick(eng)
    complete(client, employer, the_task(client, employer, "Task_employer_ack", bk), {"contribution_findings_read": True})
    at(clock, eng, "2027-09-01T08:30:00")
    rv = client.post("/api/messages", headers=channel, json={"name": "formal_launch", "business_key": bk,
                                                            "locality": "220000", "payload": {"by": "employer"}})
    assert rv.status_code == 200, rv.json
    tick(eng)  # the 审批-stage household check
    complete(client, hrss, the_task(client, hrss, "Task_formal_approval", bk),
             {"decision": "approve", "approval_note": "正常退休"})
    tick(eng)
    states = item_states(progress(client, channel, app_id))
    assert states["housing_fund_withdrawal"] == states["only_child_reward"] == "not_requested"
    assert states["medical_deemed_years"] == "in_progress", "medical years are checked early; the switch waits"

    at(clock, eng, "2027-10-15T08:00:00")
    prog = progress(client, channel, app_id)
    assert prog["status"] == "completed", prog["next"]
    states = item_states(prog)
    assert states["medical_deemed_years"] == "done"
    assert states["housing_fund_withdrawal"] == states["only_child_reward"] == "not_requested"
    results = {i["code"]: i["result"] for i in prog["items"]}
    assert results["medical_deemed_years"]["medical_retiree"]["since"] == "2027-10-15"
    from handlers.ledger.schema import housing_fund_accounts, only_child_rewards, pushes
    with eng.runtime.db.connect() as conn:
        status = conn.scalar(sa.select(housing_fund_accounts.c.status).where(
            housing_fund_accounts.c.id_number == sun["id_number"]))
        rewards = conn.scalar(sa.select(sa.func.count()).select_from(only_child_rewards))
        pushed = set(conn.execute(sa.select(pushes.c.department).where(pushes.c.business_key == bk)).scalars())
    assert status == "open" and rewards == 0
    assert pushed == {"medical_insurance"}
    report = client.get("/api/reports/completions", headers=hrss,
                        query_string={"locality": "220000", "from": "2027-01-01", "to": "2027-12-31"}).json
    assert "housing_fund" not in {d["department"] for d in report["departments"]}
    assert "health" not in {d["department"] for d in report["departments"]}
