"""What 吉人社联〔2024〕56号 asks of each party, run over HTTP on a fake clock: 公安 checks household registration at
申报, 审核 and 审批 and a bad record stops the case; the 6 months belong to the employer's declaration; 卫健's
only-child reward is done only when handled; the progress view names departments and dates."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.support.people import application_data, person

from .helpers import at, complete, item_states, progress, tasks, the_task, tick

BORN = date(1967, 3, 15)  # male: 60 years 7 months → retires 2027-10-01


def _declare(client, login, when_eng, clock, roster_person, when: str = "2027-04-01T09:00:00"):
    eng = when_eng
    at(clock, eng, when)
    rv = client.post("/api/applications", headers=login("jl_employer"),
                     json={"locality": "220000", "data": application_data(roster_person, channel="employer")})
    assert rv.status_code == 201, rv.json
    tick(eng)
    return rv.json["id"], rv.json["business_key"]


def _set_household(eng, id_number: str, **values) -> None:
    from handlers.ledger.schema import persons
    with eng.runtime.db.begin() as conn:
        conn.execute(sa.update(persons).where(persons.c.id_number == id_number).values(**values))


def _to_launch(client, login, eng, clock, bk):
    """Pre-review, contribution check and the employer's look at the findings; then the 吉事办 launch."""
    hrss, employer = login("jl_hrss"), login("jl_employer")
    complete(client, hrss, the_task(client, hrss, "Task_prereview", bk), {"file_reviewed": True,
                                                                          "prereview_result": "pass"})
    tick(eng)
    ack = the_task(client, employer, "Task_employer_ack", bk)
    complete(client, employer, ack, {"contribution_findings_read": True})
    tick(eng)
    at(clock, eng, "2027-09-01T08:30:00")
    rv = client.post("/api/messages", headers=login("jishiban"),
                     json={"name": "formal_launch", "business_key": bk, "locality": "220000", "payload": {}})
    assert rv.status_code == 200, rv.json
    tick(eng)


def test_a_person_without_a_household_record_stops_at_public_security_with_the_reason_until_it_is_corrected(
        eng, clock, client, login, roster):
    li = roster(person(county="220102", born=BORN, name="李明"))
    _set_household(eng, li["id_number"], hukou_address=None)
    police, channel, hrss = login("jl_police"), login("jishiban"), login("jl_hrss")
    app_id, bk = _declare(client, login, eng, clock, li)

    stop = the_task(client, police, "Task_hh_resolve", bk)
    detail = client.get(f"/api/tasks/{stop['id']}", headers=police).json
    assert "没有" in detail["data"]["household"]["reason"] and detail["data"]["household"]["stage"] == "declaration"
    assert not [t for t in tasks(client, hrss, business_key=bk)], "nothing reaches HRSS while 户籍 is unresolved"
    prog = progress(client, channel, app_id)
    assert item_states(prog)["household_check"] == "in_progress"
    assert any(n["department"] == "公安部门" and n["due"] for n in prog["next"]), prog["next"]
    sms = client.get("/api/notifications", headers=hrss, query_string={"business_key": bk}).json["items"]
    assert [m for m in sms if m["template"] == "household_mismatch"], "the person is told to see the police station"

    # the police station registers the record; the recheck passes and the case moves on to HRSS's pre-review
    _set_household(eng, li["id_number"], hukou_address="吉林省长春市南关区1号")
    complete(client, police, stop, {"household_resolution": "recheck", "household_resolution_note": "已补录户籍"})
    tick(eng)
    assert the_task(client, hrss, "Task_prereview", bk)
    assert item_states(progress(client, channel, app_id))["household_check"] == "in_progress", "审核 and 审批 remain"


def test_a_household_record_that_no_longer_matches_at_approval_ends_the_case_without_approving_it(
        eng, clock, client, login, roster):
    wu = roster(person(county="220103", born=BORN, name="吴刚"))
    police, channel, hrss, employer = login("jl_police"), login("jishiban"), login("jl_hrss"), login("jl_employer")
    app_id, bk = _declare(client, login, eng, clock, wu)
    complete(client, hrss, the_task(client, hrss, "Task_prereview", bk), {"file_reviewed": True,
                                                                          "prereview_result": "pass"})
    tick(eng)
    ack = the_task(client, employer, "Task_employer_ack", bk)
    complete(client, employer, ack, {"contribution_findings_read": True})
    assert not tasks(client, police, business_key=bk), "申报 and 审核 checks passed without a stop"
    _set_household(eng, wu["id_number"], name="吴钢")  # before the approval the register names someone else
    at(clock, eng, "2027-09-01T08:30:00")
    rv = client.post("/api/messages", headers=channel,
                     json={"name": "formal_launch", "business_key": bk, "locality": "220000", "payload": {}})
    assert rv.status_code == 200, rv.json
    tick(eng)
    stop = the_task(client, police, "Task_hh_resolve", bk)
    data = client.get(f"/api/tasks/{stop['id']}", headers=police).json["data"]
    assert data["household"]["stage"] == "approval" and "姓名" in data["household"]["reason"]
    assert not [t for t in tasks(client, hrss, business_key=bk) if t["activity_id"] == "Task_formal_approval"]

    complete(client, police, stop, {"household_resolution": "refused", "household_resolution_note": "身份存疑"})
    tick(eng)
    prog = progress(client, channel, app_id)
    assert item_states(prog)["household_check"] == "rejected"
    assert item_states(prog)["entitlement_normal"] != "done" and prog["status"] == "completed"
    checks = next(i for i in prog["items"] if i["code"] == "household_check")["result"]["household_checks"]
    assert [c["stage"] for c in checks] == ["declaration", "review", "approval"]
    assert [c["consistent"] for c in checks] == [True, True, False]


def test_a_late_declaration_is_flagged_not_refused_and_hrss_pre_review_is_not_born_overdue(
        eng, clock, client, login, roster):
    sun = roster(person(county="220102", born=BORN, name="孙伟"))
    hrss, channel = login("jl_hrss"), login("jishiban")
    app_id, bk = _declare(client, login, eng, clock, sun, when="2027-06-10T09:00:00")  # due by 2027-04-01
    pre = the_task(client, hrss, "Task_prereview", bk)
    assert pre["summary"]["declaration_late"] is True and pre["summary"]["declaration_due"] == "2027-04-01"
    assert pre["due_at"] > "2027-06-10T16:00", "the pre-review has its own period from the declaration"
    nxt = progress(client, channel, app_id)["next"]
    assert any("逾期" in n["name"] and n["department"] == "人力资源社会保障部门" for n in nxt), nxt


def test_an_employer_is_reminded_of_the_people_it_must_declare_and_each_person_by_sms(
        eng, clock, client, login, roster):
    qian = roster(person(county="220102", born=BORN, name="钱进"))
    employer = login("jl_employer")
    at(clock, eng, "2027-03-01T09:30:00")  # the monthly reminder: people retiring 2027-10 declare by 2027-04-01
    tick(eng)
    reminders = [t for t in tasks(client, employer) if t["activity_id"] == "Task_employer_inbox"]
    assert len(reminders) == 1, reminders
    assert reminders[0]["due_at"].startswith("2027-04-01")
    data = client.get(f"/api/tasks/{reminders[0]['id']}", headers=employer).json["data"]
    listed = data["declarations_due"]
    assert listed[0]["employer"] == qian["employer"] and listed[0]["count"] == 1
    assert listed[0]["persons"][0]["retirement_month"] == "2027-10"
    assert "*" in listed[0]["persons"][0]["id_number"], "the list masks ID numbers"
    sms = client.get("/api/notifications", headers=login("jl_hrss")).json["items"]
    assert [m for m in sms if m["template"] == "notify_upcoming" and "2027-04-01" in m["text"]]


def test_the_only_child_reward_is_not_applicable_without_a_certificate_and_not_counted_as_done(
        eng, clock, client, login, roster):
    zheng = roster(person(county="220102", born=BORN, name="郑华", only_child_certificate=None))
    channel, hrss = login("jishiban"), login("jl_hrss")
    app_id, bk = _declare(client, login, eng, clock, zheng)
    _to_launch(client, login, eng, clock, bk)
    complete(client, hrss, the_task(client, hrss, "Task_formal_approval", bk),
             {"decision": "approve", "approval_note": "正常退休"})
    tick(eng)
    assert not [t for t in tasks(client, login("jl_health"), business_key=bk)], "no claim to handle"
    prog = progress(client, channel, app_id)
    only_child = next(i for i in prog["items"] if i["code"] == "only_child_reward")
    assert only_child["state"] == "not_applicable"
    assert only_child["result"]["notice"]["procedure"], "the policy and procedure are still shown"
    report = client.get("/api/reports/completions", headers=hrss,
                        query_string={"locality": "220000", "from": "2027-01-01", "to": "2027-12-31"}).json
    assert "health" not in {d["department"] for d in report["departments"]}


def test_the_progress_view_names_the_department_and_the_date_expected_for_the_formal_launch(
        eng, clock, client, login, roster):
    he = roster(person(county="220102", born=BORN, name="何平"))
    hrss, channel, employer = login("jl_hrss"), login("jishiban"), login("jl_employer")
    app_id, bk = _declare(client, login, eng, clock, he)
    complete(client, hrss, the_task(client, hrss, "Task_prereview", bk), {"file_reviewed": True,
                                                                          "prereview_result": "pass"})
    tick(eng)
    nxt = progress(client, channel, app_id)["next"]
    assert [(n["name"], n["department"]) for n in nxt] == [("用人单位查看缴费核查结果", "用人单位、流动人员档案托管机构")]
    ack = the_task(client, employer, "Task_employer_ack", bk)
    complete(client, employer, ack, {"contribution_findings_read": True})
    at(clock, eng, "2027-09-01T08:30:00")
    nxt = progress(client, channel, app_id)["next"]
    assert nxt == [{"type": "message", "name": "单位或个人通过吉事办正式发起", "department": "用人单位",
                    "due": nxt[0]["due"]}]
    assert nxt[0]["due"].startswith("2027-09-30"), "launched before the retirement date"
    sms = client.get("/api/notifications", headers=hrss, query_string={"business_key": bk}).json["items"]
    assert [m for m in sms if m["template"] == "contribution_check" and "累计缴费" in m["text"]], \
        "the person is told the contribution findings"


def test_a_person_declared_by_an_archive_agency_is_booked_offline_with_a_date_and_place_after_the_push(
        eng, clock, client, login, roster):
    feng = roster(person(county="220102", born=BORN, name="冯军", only_child_certificate="JL-2003-0007"))
    hrss, channel, employer = login("jl_hrss"), login("jishiban"), login("jl_employer")
    at(clock, eng, "2027-04-01T09:00:00")
    rv = client.post("/api/applications", headers=employer, json={
        "locality": "220000", "data": application_data(feng, channel="archive_agency")})
    assert rv.status_code == 201, rv.json
    app_id, bk = rv.json["id"], rv.json["business_key"]
    tick(eng)
    _to_launch(client, login, eng, clock, bk)
    complete(client, hrss, the_task(client, hrss, "Task_formal_approval", bk),
             {"decision": "approve", "approval_note": "正常退休"})
    tick(eng)
    sms = client.get("/api/notifications", headers=hrss, query_string={"business_key": bk}).json["items"]
    offline = [m for m in sms if m["template"] == "contact_offline"]
    assert len(offline) == 3, [m["template"] for m in sms]
    assert any("住房公积金管理中心" in m["text"] for m in offline), "the place comes from the locality's contact setting"
    prog = progress(client, channel, app_id)
    assert item_states(prog)["housing_fund_withdrawal"] == "in_progress"
    at(clock, eng, "2027-10-15T08:00:00")
    complete(client, login("jl_health"), the_task(client, login("jl_health"), "Task_oc_claim", bk),
             {"only_child_claim": "not_eligible", "only_child_claim_note": "光荣证信息不符"})
    tick(eng)
    results = {i["code"]: i["result"] for i in progress(client, channel, app_id)["items"]}
    booked = results["housing_fund_withdrawal"]["contact_housing_fund_withdrawal"]
    assert booked["mode"] == "offline" and booked["place"] and booked["appointment_date"] >= "2027-10-01", booked
    assert item_states(progress(client, channel, app_id))["only_child_reward"] == "not_applicable", \
        "a claim 卫健 finds not eligible is not done"
