"""Zongyang (枞人社〔2024〕62号) as a county runs it, over HTTP on a fake clock: every channel reaches someone, only
the items asked for on the 采集表 are done, nothing is sealed before the retirement day, phones are fixed where
the person lives, notices that cannot be delivered become an office's task, missed monthly batches catch up."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from engine.clock import SHANGHAI
from tests.support.people import application_data, person

from .helpers import at, beijing_day, complete, item_states, progress, tasks, the_task, tick

ALL_ITEMS = ["pension_claim", "retiree_medical", "housing_fund_withdrawal"]

# channel → (who posts the application, who accepts it, acceptance task, monthly batch task or None, its due day)
CHANNELS = {
    "online": ("wanshitong", "zy_agency", "Task_accept_agency", "Task_submit_agency", "2027-06-15"),
    "individual": ("wanshitong", "zy_agency", "Task_accept_agency", "Task_submit_agency", "2027-06-15"),
    "community": ("zy_community", "zy_community", "Task_accept_community", "Task_submit_community", "2027-06-07"),
    "township": ("zy_township", "zy_township", "Task_accept_community", "Task_submit_community", "2027-06-07"),
    "agency": ("zy_agency", "zy_agency", "Task_accept_agency", "Task_submit_county_agency", "2027-06-07"),
    "archive_agency": ("zy_agency", "zy_agency", "Task_accept_agency", "Task_submit_agency", "2027-06-15"),
    "employer": ("zy_employer", "zy_hrss", "Task_accept_employer", None, None),
}


def _apply(client, headers, p, channel, **extra):
    rv = client.post("/api/applications", headers=headers,
                     json={"locality": "340722", "data": application_data(p, channel=channel, **extra)})
    assert rv.status_code == 201, rv.json
    return rv.json["id"], rv.json["business_key"]


def _collect(client, headers, task, items=ALL_ITEMS):
    complete(client, headers, task, {"application_form_received": True, "personnel_file_received": True,
                                     "joint_items": items})


def _batch_task(client, headers, activity_id, period):
    found = [t for t in tasks(client, headers) if t["activity_id"] == activity_id
             and t["summary"].get("period") == period]
    assert len(found) == 1, [(t["activity_id"], t["summary"]) for t in tasks(client, headers)]
    return found[0]


def _outbox(client, admin, business_key=None):
    params = {"page_size": 500, **({"business_key": business_key} if business_key else {})}
    return client.get("/api/notifications", headers=admin, query_string=params).json["items"]


@pytest.mark.parametrize("channel", sorted(CHANNELS))
def test_every_channel_of_the_application_form_reaches_acceptance_the_monthly_batch_and_approval(
        eng, clock, client, login, roster, channel):
    poster, acceptor, accept_task, batch_task, due = CHANNELS[channel]
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国", phone="13912345678",
                        flexible=channel in ("online", "individual")))  # 附件2 二: online only for 灵活就业
    at(clock, eng, "2027-05-06T10:00:00")
    app_id, bk = _apply(client, login(poster), wang, channel)
    tick(eng)
    clerk = login(acceptor)
    _collect(client, clerk, the_task(client, clerk, accept_task, bk))
    tick(eng)
    hrss = login("zy_hrss")
    if batch_task is None:   # the employer's papers reach the county HRSS directly (附件2 三 第三段)
        assert [t["activity_id"] for t in tasks(client, hrss, business_key=bk)] == ["Task_approve"]
    else:
        assert tasks(client, hrss, business_key=bk) == [], "the case waits for its monthly submission"
        at(clock, eng, "2027-06-01T08:00:00")
        batch = _batch_task(client, clerk, batch_task, "2027-05")
        assert batch["due_at"].startswith(due), (batch_task, batch["due_at"])
        complete(client, clerk, batch, {"materials_delivered": True, "case_count": 1})
        tick(eng)
    approve = the_task(client, hrss, "Task_approve", bk)
    complete(client, hrss, approve, {"decision": "approve", "approval_note": "符合条件"})
    at(clock, eng, "2027-06-04T08:00:00")
    prog = progress(client, login(acceptor), app_id)
    assert prog["status"] == "completed", prog["next"]
    assert set(item_states(prog).values()) == {"done"}


def test_only_the_items_ticked_on_the_collection_form_are_pushed_done_and_counted(eng, clock, client, login, roster):
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国", phone="13912345678"))
    community, hrss, admin = login("zy_community"), login("zy_hrss"), login("admin")
    at(clock, eng, "2027-05-06T10:00:00")
    app_id, bk = _apply(client, community, wang, "community")
    tick(eng)
    # he asks for the pension and retiree medical insurance only, not the housing-fund withdrawal
    _collect(client, community, the_task(client, community, "Task_accept_community", bk),
             ["pension_claim", "retiree_medical"])
    tick(eng)
    at(clock, eng, "2027-06-01T08:00:00")
    complete(client, community, _batch_task(client, community, "Task_submit_community", "2027-05"),
             {"materials_delivered": True, "case_count": 1})
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_approve", bk), {"decision": "approve", "approval_note": "可"})
    at(clock, eng, "2027-06-04T08:00:00")

    prog = progress(client, community, app_id)
    assert prog["status"] == "completed"
    assert item_states(prog) == {"pension_claim": "done", "retiree_medical": "done",
                                 "housing_fund_withdrawal": "not_requested"}
    from handlers.ledger.schema import housing_fund_accounts, pushes
    with eng.runtime.db.connect() as conn:
        account = conn.execute(sa.select(housing_fund_accounts).where(
            housing_fund_accounts.c.id_number == wang["id_number"])).mappings().one()
        pushed_to = set(conn.execute(sa.select(pushes.c.department).where(pushes.c.business_key == bk)).scalars())
    assert account["status"] == "open", "his housing fund is neither sealed nor paid out"
    assert pushed_to == {"medical_insurance"}
    assert not [n for n in _outbox(client, admin, bk) if "公积金" in n["text"]]
    report = client.get("/api/reports/completions", headers=hrss,
                        query_string={"locality": "340722", "from": "2027-01-01", "to": "2027-12-31"}).json
    assert {(r["department"], r["item"]) for r in report["rows"]} == {
        ("social_insurance", "pension_claim"), ("medical_insurance", "retiree_medical")}


def test_the_housing_fund_is_sealed_and_the_medical_switch_made_on_the_retirement_day_not_at_approval(
        eng, clock, client, login, roster):
    # an employer files early; HRSS approves on 2 June, he reaches 60 years 6 months on 20 June
    li = roster(person(county="340722", born=date(1966, 12, 20), name="李明", phone="13912345679", seq=7))
    employer, hrss, admin = login("zy_employer"), login("zy_hrss"), login("admin")
    at(clock, eng, "2027-05-25T10:00:00")
    app_id, bk = _apply(client, employer, li, "employer")
    tick(eng)
    _collect(client, hrss, the_task(client, hrss, "Task_accept_employer", bk))
    tick(eng)
    at(clock, eng, "2027-06-02T10:00:00")
    complete(client, hrss, the_task(client, hrss, "Task_approve", bk), {"decision": "approve", "approval_note": "可"})
    tick(eng)
    prog = progress(client, employer, app_id)
    assert item_states(prog)["pension_claim"] == "done", "approval and the pension award may come early"
    assert prog["items"][0]["result"]["pension_award"]["first_payment_month"] == "2027-07"
    assert {beijing_day(n["due"]) for n in prog["next"] if n["type"] == "timer"} == {"2027-06-20"}
    contact = [n for n in _outbox(client, admin, bk) if n["template"] == "contact_offline"]
    assert len(contact) == 2 and all("2027-06-21" in n["text"] for n in contact), \
        "each department books the visit for the first working day on or after the retirement day"
    at(clock, eng, "2027-06-19T23:00:00")
    assert progress(client, employer, app_id)["status"] == "running"
    at(clock, eng, "2027-06-20T08:00:00")
    prog = progress(client, employer, app_id)
    assert prog["status"] == "completed"
    results = {i["code"]: i["result"] for i in prog["items"]}
    assert results["housing_fund_withdrawal"]["housing_fund_withdrawal"]["paid_on"] == "2027-06-20"
    assert results["retiree_medical"]["medical_retiree"]["since"] >= "2027-06-20"


def test_a_wrong_phone_is_fixed_at_a_bank_window_saved_to_the_roster_or_recorded_as_told_offline(
        eng, clock, client, login, roster):
    a = person(county="340722", born=date(1966, 10, 9), name="李四", seq=31, phone="12345", phone_valid=False)
    b = person(county="340722", born=date(1966, 11, 9), name="张三", seq=33, phone="13800000000", phone_valid=False)
    roster(a, b)
    bank, township, admin = login("zy_bank"), login("zy_township"), login("admin")
    at(clock, eng, "2027-02-01T09:00:00")
    fixes = [t for t in tasks(client, bank) if t["activity_id"] == "Task_fix_phone"]
    assert len(fixes) == 2, "the bank window (社银合作网点) sees the phone fixes of its county"
    assert {t["id"] for t in tasks(client, township) if t["activity_id"] == "Task_fix_phone"} == {t["id"] for t in fixes}
    complete(client, bank, fixes[0], {"fix_outcome": "corrected", "corrected_phone": "13600001111",
                                      "verified_how": "bank_window"})
    complete(client, township, fixes[1], {"fix_outcome": "told_offline", "told_offline_note": "2月3日上门告知本人"})
    tick(eng)
    from handlers.ledger.schema import persons, phone_changes
    with eng.runtime.db.connect() as conn:
        changes = conn.execute(sa.select(phone_changes)).mappings().all()
        fixed = conn.execute(sa.select(persons).where(persons.c.phone == "13600001111")).mappings().one()
    assert len(changes) == 1
    assert changes[0]["changed_by"] == "zy_bank" and changes[0]["how"] == "bank_window"
    assert changes[0]["changed_at"].astimezone(SHANGHAI).replace(tzinfo=None) == datetime(2027, 2, 1, 9, 0)
    assert fixed["phone_valid"] is True
    resent = [n for n in _outbox(client, admin) if n["phone"] == "136****1111"]
    assert len(resent) == 1 and resent[0]["status"] == "sent"
    assert "2027-0" in resent[0]["text"], "the re-sent SMS names the retirement month"
    assert resent[0]["created_at"].startswith("2027-02-01T01:00"), "stamped with the engine's clock (09:00 Beijing)"


def test_a_rights_notice_that_cannot_be_delivered_becomes_a_task_for_the_accepting_office(
        eng, clock, client, login, roster):
    zhou = roster(person(county="340722", born=date(1966, 12, 4), name="周平", phone="13700001234", phone_valid=False))
    employer, hrss, admin = login("zy_employer"), login("zy_hrss"), login("admin")
    at(clock, eng, "2027-05-25T10:00:00")
    app_id, bk = _apply(client, employer, zhou, "employer")
    tick(eng)
    _collect(client, hrss, the_task(client, hrss, "Task_accept_employer", bk))
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_approve", bk), {"decision": "approve", "approval_note": "可"})
    tick(eng)
    notice = [n for n in _outbox(client, admin, bk) if n["template"] == "rights_notice"]
    assert [n["status"] for n in notice] == ["undeliverable"]
    tell = the_task(client, employer, "Task_tell_offline", bk)
    complete(client, employer, tell, {"told_how": "employer", "told_on": "2027-05-26"})
    tick(eng)
    assert [t["activity_id"] for t in tasks(client, employer, business_key=bk)] == []


def test_missed_monthly_batches_run_once_each_for_their_own_month_and_a_wrong_count_is_checked(
        eng, clock, client, login, roster):
    community, hrss = login("zy_community"), login("zy_hrss")

    def periods():
        return sorted(t["summary"].get("period") for t in tasks(client, community)
                      if t["activity_id"] == "Task_submit_community")

    at(clock, eng, "2027-04-20T09:00:00")
    before = periods()
    assert before[-1] == "2027-03"
    # the worker is down from 20 April to 3 June: the May and June batches are both due
    clock.set(datetime(2027, 6, 3, 9, 0, tzinfo=SHANGHAI))
    tick(eng)
    assert periods() == before + ["2027-04", "2027-05"], "each missed batch for its own month, none skipped or doubled"
    tick(eng)
    assert periods() == before + ["2027-04", "2027-05"]
    # the clerk types 3 cases where the system holds none: HRSS is asked to reconcile once the month is in
    april = _batch_task(client, community, "Task_submit_community", "2027-04")
    complete(client, community, april, {"materials_delivered": True, "case_count": 3})
    agency = login("zy_agency")
    for activity in ("Task_submit_county_agency", "Task_submit_agency"):
        complete(client, agency, _batch_task(client, agency, activity, "2027-04"),
                 {"materials_delivered": True, "case_count": 0})
    tick(eng)
    reconcile = [t for t in tasks(client, hrss) if t["activity_id"] == "Task_reconcile"]
    assert len(reconcile) == 1


def test_a_case_whose_office_misses_the_monthly_submission_is_chased_instead_of_waiting_for_ever(
        eng, clock, client, login, roster):
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国", phone="13912345678"))
    community, hrss = login("zy_community"), login("zy_hrss")
    at(clock, eng, "2027-05-06T10:00:00")
    app_id, bk = _apply(client, community, wang, "community")
    tick(eng)
    _collect(client, community, the_task(client, community, "Task_accept_community", bk))
    tick(eng)
    waiting = progress(client, community, app_id)["next"]
    assert [beijing_day(n["due"]) for n in waiting if n["type"] == "timer"] == ["2027-06-08"], \
        "the case shows when its submission becomes overdue (the 5th rolls to Monday 7 June)"
    at(clock, eng, "2027-06-08T09:00:00")
    chase = the_task(client, hrss, "Task_chase_batch", bk)
    complete(client, hrss, chase, {"chase_outcome": "received"})
    tick(eng)
    the_task(client, hrss, "Task_approve", bk)


def test_a_task_past_its_due_date_is_marked_overdue_for_the_clerk_and_listed_for_the_operator(
        eng, clock, client, login, roster):
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国", phone="13912345678"))
    at(clock, eng, "2027-05-06T10:00:00")
    _app_id, bk = _apply(client, login("zy_community"), wang, "community")
    tick(eng)
    clerk = login("zy_community")
    accept = the_task(client, clerk, "Task_accept_community", bk)
    assert accept["due_at"] and accept["overdue"] is False
    at(clock, eng, "2027-06-20T10:00:00")   # weeks past the acceptance's due date, nobody acted
    late = the_task(client, clerk, "Task_accept_community", bk)
    assert late["overdue"] is True
    operator = tasks(client, login("admin"), due_before="2027-06-20T02:00:00+00:00")
    assert bk in {t["business_key"] for t in operator if t["overdue"]}
