"""A Zongyang retirement over HTTP: notification, community application, monthly batch, approval, three joint items."""
from __future__ import annotations

from datetime import date

from tests.support.people import application_data, person

from .helpers import (at, beijing_day, complete, item_states, progress, receive_at_the_housing_window, tasks,
                      the_task, tick)


def test_a_community_application_runs_from_the_quarterly_sms_to_three_counted_joint_items(
        eng, clock, client, login, roster):
    # A man born 1966-12 retires in 2027-06 (60 years 6 months), so he is on the 2027Q2 list.
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国", phone="13912345678"))
    unreachable = person(county="340722", born=date(1966, 10, 9), name="李四", seq=31, phone="12345", phone_valid=False)
    roster(unreachable)
    community, hrss, admin = login("zy_community"), login("zy_hrss"), login("admin")

    # 1. Notification: in the 2nd month of the quarter the county lists next quarter's retirees and texts them.
    at(clock, eng, "2027-02-01T09:00:00")
    outbox = client.get("/api/notifications", headers=admin, query_string={"page_size": 500}).json["items"]
    texts = [n for n in outbox if n["template"] == "notify_upcoming"]
    assert any(n["phone"] == "139****5678" and n["status"] == "sent" for n in texts)
    assert all("5678" not in n["phone"][:7] for n in texts), "phones are masked in the list"
    # the wrong phone became a task for the community, which corrects it and the SMS goes out again
    fix = the_task(client, community, "Task_fix_phone")
    complete(client, community, fix, {"fix_outcome": "corrected", "corrected_phone": "13600001111",
                                      "verified_how": "visit"})
    tick(eng)
    outbox = client.get("/api/notifications", headers=admin, query_string={"page_size": 500}).json["items"]
    resent = [n for n in outbox if n["phone"] == "136****1111"]
    assert len(resent) == 1 and resent[0]["status"] == "sent"
    assert "2027-0" in resent[0]["text"], "the re-sent text names his retirement month"

    # 2. Application at the community window, within the month before his statutory date.
    at(clock, eng, "2027-05-06T10:00:00")
    rv = client.post("/api/applications", headers=community,
                     json={"locality": "340722", "data": application_data(wang, channel="community")})
    assert rv.status_code == 201, rv.json
    app_id, bk = rv.json["id"], rv.json["business_key"]
    assert rv.json["applicant"]["id_number"].count("*") == 8, "the ID number is masked in the response"
    prog = progress(client, community, app_id)
    # the checks before acceptance ran in the submission's own transaction: the acceptance task is open at once
    assert item_states(prog) == {"pension_claim": "in_progress", "retiree_medical": "pending",
                                 "housing_fund_withdrawal": "pending"}
    tick(eng)

    # 3. Acceptance with the collection form (采集表); the case then waits for the monthly submission.
    accept = the_task(client, community, "Task_accept_community", bk)
    assert accept["due_at"] is not None
    bad = client.post(f"/api/tasks/{accept['id']}/complete", headers=community, json={"data": {}})
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"application_form_received", "joint_items"}
    complete(client, community, accept, {"application_form_received": True, "personnel_file_received": True,
                                         "joint_items": ["pension_claim", "retiree_medical", "housing_fund_withdrawal"]})
    tick(eng)
    prog = progress(client, community, app_id)
    assert item_states(prog)["pension_claim"] == "in_progress"
    waits = [n for n in prog["next"] if n["type"] == "message"]
    assert waits and all(n["name"] != "materials_submitted" for n in waits), (prog["status"], prog["next"])

    # 4. The June batch: the community submits May's acceptances by the 5th; the case moves to HRSS.
    at(clock, eng, "2027-06-01T08:00:00")
    batch = [t for t in tasks(client, community) if t["activity_id"] == "Task_submit_community"
             and t["summary"].get("period") == "2027-05"]
    assert len(batch) == 1
    assert batch[0]["due_at"].startswith("2027-06-07"), "5 June 2027 is a Saturday: the deadline rolls to Monday"
    complete(client, community, batch[0], {"materials_delivered": True, "case_count": 1})
    tick(eng)
    approve = the_task(client, hrss, "Task_approve", bk)

    # 5. HRSS approves; pension, medical and housing fund run and feed back.
    complete(client, hrss, approve, {"decision": "approve", "approval_note": "符合条件"})
    tick(eng)
    # approved and pushed on 1 June, but he turns 60 years 6 months on 4 June: nothing is sealed before that day
    prog = progress(client, community, app_id)
    assert prog["status"] == "running"
    assert item_states(prog)["housing_fund_withdrawal"] == "in_progress"
    assert {beijing_day(n["due"]) for n in prog["next"] if n["type"] == "timer"} == {"2027-06-04"}
    outbox = client.get("/api/notifications", headers=admin, query_string={"page_size": 500}).json["items"]
    assert {n["template"] for n in outbox if n.get("business_key") == bk} >= {"contact_offline"}
    at(clock, eng, "2027-06-04T08:00:00")
    receive_at_the_housing_window(client, login("zy_housing"), bk)   # booked offline: received at the window
    tick(eng)
    prog = progress(client, community, app_id)
    assert prog["status"] == "completed", prog["next"]
    assert item_states(prog) == {"pension_claim": "done", "retiree_medical": "done", "housing_fund_withdrawal": "done"}
    results = {i["code"]: i["result"] for i in prog["items"]}
    assert results["housing_fund_withdrawal"]["housing_fund_withdrawal"]["amount"] == "52345.67"
    assert float(results["pension_claim"]["pension"]["monthly_total"]) > 0
    assert prog["next"] == []

    # 6. Completion counts per department (办结数量).
    report = client.get("/api/reports/completions", headers=hrss,
                        query_string={"locality": "340722", "from": "2027-01-01", "to": "2027-12-31"}).json
    counts = {(r["department"], r["item"]): r["completed"] for r in report["rows"]}
    assert counts == {("social_insurance", "pension_claim"): 1, ("medical_insurance", "retiree_medical"): 1,
                      ("housing_fund", "housing_fund_withdrawal"): 1}
