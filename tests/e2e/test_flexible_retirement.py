"""Flexible retirement over HTTP: the application asks for an early or deferred date inside the window, the
tables check it, the employer confirms the 3 months' written notice (early) or the written agreement a month
ahead (deferral), and the whole case then runs on the chosen date; a refused request keeps the statutory date."""
from __future__ import annotations

from datetime import date

from tests.support.people import application_data, person

from .helpers import at, complete, progress, tasks, the_task, tick

# A man born 1966-12 reaches 60y6m in 2027-06; he may retire early from 2026-12 (age 60).
BORN = date(1966, 12, 4)


def _instance(client, headers, business_key):
    rv = client.get("/api/instances", headers=headers, query_string={"business_key": business_key})
    assert rv.status_code == 200, rv.json
    (found,) = rv.json["items"]
    rv = client.get(f"/api/instances/{found['id']}", headers=headers)
    assert rv.status_code == 200, rv.json
    return rv.json


def _apply(client, headers, p, choice, month, *, locality):
    """The employer's application for ``p`` with a flexible choice (month None: left empty)."""
    extra = {"retirement_choice": choice}
    if month:
        extra["requested_retirement_month"] = month
    return client.post("/api/applications", headers=headers, json={
        "locality": locality, "data": application_data(p, channel="employer", **extra)})


def _outbox(client, headers, business_key):
    rv = client.get("/api/notifications", headers=headers, query_string={"business_key": business_key})
    assert rv.status_code == 200, rv.json
    return rv.json["items"]


def test_a_date_outside_the_window_is_refused_at_the_window_with_the_earliest_month(eng, clock, client, login, roster):
    p = roster(person(county="340722", born=BORN))
    employer = login("zy_employer")
    at(clock, eng, "2026-11-23T09:00:00")
    rv = _apply(client, employer, p, "early", "2026-10", locality="340722")
    assert rv.status_code == 422, rv.json
    assert rv.json["errors"]["json"]["requested_retirement_month"] == [
        "最早可于2026-12弹性提前退休（提前最长3年，且不低于原法定退休年龄）"]
    rv = _apply(client, employer, p, "deferred", "2027-06", locality="340722")
    assert rv.status_code == 422
    assert "须晚于法定退休时间2027-06" in rv.json["errors"]["json"]["requested_retirement_month"][0]
    rv = _apply(client, employer, p, "early", None, locality="340722")
    assert rv.status_code == 422
    assert "须填写申请的退休时间" in rv.json["errors"]["json"]["requested_retirement_month"][0]
    with eng.runtime.reading() as s:
        from engine.store.models import Instance
        assert s.query(Instance).count() == 0, "a refused application starts nothing"


def test_an_early_retirement_with_three_months_notice_runs_the_whole_case_on_the_chosen_month(
        eng, clock, client, login, roster):
    p = roster(person(county="340722", born=BORN, name="钱进"))
    hrss, employer, admin = login("zy_hrss"), login("zy_employer"), login("admin")
    at(clock, eng, "2027-02-01T09:00:00")  # Zongyang takes applications in the month before the requested date
    rv = _apply(client, employer, p, "early", "2027-03", locality="340722")
    assert rv.status_code == 201, rv.json
    bk = rv.json["business_key"]
    tick(eng)

    # the employer confirms the date the written notice reached it: 2026-11-20 is at least 3 months before March
    notice = the_task(client, employer, "Task_flex_notice", bk)
    assert notice["candidate_groups"] == ["employer", "archive_agency"]
    assert (notice["summary"]["retirement_choice"], notice["summary"]["requested_retirement_month"]) == \
        ("early", "2027-03"), "the employer's inbox shows what was asked for"
    bad = client.post(f"/api/tasks/{notice['id']}/complete", headers=employer, json={"data": {}})
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]) == {"notice_date", "notice_copy_kept"}
    complete(client, employer, notice, {"notice_date": "2026-11-20", "notice_copy_kept": True})
    tick(eng)

    case = _instance(client, admin, bk)
    assert [w["activity_id"] for w in case["waiting_in"]] == ["Task_accept_employer"], "the window is open"
    texts = [n for n in _outbox(client, admin, bk) if n["template"] == "flexible_accepted"]
    assert len(texts) == 1 and "2027-03" in texts[0]["text"]
    assert texts[0]["text"].startswith("【人社】钱*您好"), "the outbox list masks the name it sent"
    accept = the_task(client, hrss, "Task_accept_employer", bk)
    assert accept["summary"]["retirement_date"] == "2027-03-01", "the window of the chosen March date is open"
    complete(client, hrss, accept, {"application_form_received": True, "personnel_file_received": True,
                                    "joint_items": ["pension_claim", "retiree_medical", "housing_fund_withdrawal"]})
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_approve", bk), {"decision": "approve"})
    tick(eng)
    at(clock, eng, "2027-03-01T08:00:00")   # the seal and the medical switch wait for the chosen month
    prog = progress(client, hrss, rv.json["id"])
    assert prog["status"] == "completed", prog
    pension = {i["code"]: i["result"] for i in prog["items"]}["pension_claim"]["pension"]
    assert pension["divisor"] == "137.3", "retiring at 60 years 3 months: 计发月数 137.3 (domain.md §3.3)"
    award = {i["code"]: i["result"] for i in prog["items"]}["pension_claim"]["pension_award"]
    assert award["first_payment_month"] == "2027-04"


def test_notice_given_too_late_keeps_the_statutory_date_and_tells_the_applicant_why(eng, clock, client, login, roster):
    p = roster(person(county="340722", born=BORN, name="孙立"))
    hrss, employer, admin = login("zy_hrss"), login("zy_employer"), login("admin")
    at(clock, eng, "2027-01-04T09:00:00")  # in the month before the requested 2027-02
    rv = _apply(client, employer, p, "early", "2027-02", locality="340722")
    assert rv.status_code == 201, rv.json
    bk = rv.json["business_key"]
    tick(eng)
    complete(client, employer, the_task(client, employer, "Task_flex_notice", bk),
             {"notice_date": "2026-11-20", "notice_copy_kept": True})
    tick(eng)
    (text,) = [n for n in _outbox(client, admin, bk) if n["template"] == "flexible_rejected"]
    assert "至少提前3个月" in text["text"] and "按法定退休时间办理" in text["text"]
    prog = progress(client, hrss, rv.json["id"])
    assert prog["next"][0]["due"].startswith("2027-04-30T16:00"), "the statutory 2027-06 date stands"
    assert not [t for t in tasks(client, employer) if t["business_key"] == bk]


def test_early_choice_without_the_minimum_contribution_is_refused_by_the_table_in_the_case(
        eng, clock, client, login, roster):
    short = person(county="340722", born=BORN, name="周短")
    short["contributions"] = [dict(short["contributions"][1], start_month="2015-01")]   # 142 months only
    roster(short)
    hrss, employer, admin = login("zy_hrss"), login("zy_employer"), login("admin")
    at(clock, eng, "2027-02-01T09:00:00")
    rv = _apply(client, employer, short, "early", "2027-03", locality="340722")
    assert rv.status_code == 201, rv.json
    bk = rv.json["business_key"]
    tick(eng)
    assert not [t for t in tasks(client, employer) if t["business_key"] == bk], "nobody is asked to confirm"
    (text,) = [n for n in _outbox(client, admin, bk) if n["template"] == "flexible_rejected"]
    assert "最低缴费年限" in text["text"]


def test_a_deferral_agreed_in_writing_moves_the_jilin_declaration_due_date_six_months_before_the_deferred_date(
        eng, clock, client, login, roster):
    # Born 1967-03: statutory 2027-10; deferred to 2028-05 with the employer's agreement of 2027-08-15.
    p = roster(person(county="220102", born=date(1967, 3, 15), name="吴延"))
    employer, hrss, admin = login("jl_employer"), login("jl_hrss"), login("admin")
    at(clock, eng, "2027-03-01T09:00:00")
    rv = _apply(client, employer, p, "deferred", "2028-05", locality="220000")
    assert rv.status_code == 201, rv.json
    bk = rv.json["business_key"]
    tick(eng)
    agreement = the_task(client, employer, "Task_flex_agreement", bk)
    complete(client, employer, agreement, {"employer_decision": "agree", "agreement_date": "2027-08-15"})
    tick(eng)
    pre = the_task(client, hrss, "Task_prereview", bk)
    assert pre["summary"]["declaration_due"] == "2027-11-01", "declaration due 6 months before the deferred 2028-05"
    assert pre["summary"]["declaration_late"] is False
    (text,) = [n for n in _outbox(client, admin, bk) if n["template"] == "flexible_accepted"]
    assert "准予弹性延迟退休，退休时间2028-05" in text["text"]


def test_a_deferral_the_employer_refuses_keeps_the_jilin_statutory_timeline(eng, clock, client, login, roster):
    p = roster(person(county="220102", born=date(1967, 3, 15), name="郑拒"))
    employer, hrss, admin = login("jl_employer"), login("jl_hrss"), login("admin")
    at(clock, eng, "2027-03-01T09:00:00")
    rv = _apply(client, employer, p, "deferred", "2028-05", locality="220000")
    bk = rv.json["business_key"]
    tick(eng)
    complete(client, employer, the_task(client, employer, "Task_flex_agreement", bk),
             {"employer_decision": "disagree", "employer_note": "岗位调整"})
    tick(eng)
    assert the_task(client, hrss, "Task_prereview", bk)["summary"]["declaration_due"] == "2027-04-01"
    (text,) = [n for n in _outbox(client, admin, bk) if n["template"] == "flexible_rejected"]
    assert "未同意" in text["text"]
