"""A Jilin retirement over HTTP: declaration 6 months out, pre-review, contribution check fed back 2 months out,
formal launch 1 month out through 吉事办, approval and nine items with progress at each step."""
from __future__ import annotations

from datetime import date

from tests.support.people import application_data, person

from .helpers import at, complete, item_states, progress, the_task, tick

NINE = {"entitlement_normal", "deemed_years", "early_special_work", "early_illness", "pension_award",
        "medical_deemed_years", "housing_fund_withdrawal", "only_child_reward", "household_check"}


def test_an_employer_declaration_runs_through_prereview_check_and_launch_to_every_item_done(
        eng, clock, client, login, roster):
    # Born 1967-03: 60 years 7 months → retires 2027-10; pre-review by 2027-04, feedback by 2027-08, launch 2027-09.
    zhao = roster(person(county="220102", born=date(1967, 3, 15), name="赵国庆", arrears_months=2,
                         medical_actual_months=100, only_child_certificate="JL-2001-0042"))
    employer, hrss, si, medical = login("jl_employer"), login("jl_hrss"), login("jl_hrss"), login("jl_medical")
    channel = login("jishiban")

    at(clock, eng, "2027-04-01T09:00:00")
    rv = client.post("/api/applications", headers=employer,
                     json={"locality": "220000", "data": application_data(zhao, channel="employer")})
    assert rv.status_code == 201, rv.json
    app_id, bk = rv.json["id"], rv.json["business_key"]
    tick(eng)
    prog = progress(client, channel, app_id)
    assert set(item_states(prog)) == NINE
    assert item_states(prog)["household_check"] == "in_progress", "户籍 is checked again at 审核 and 审批"
    notice = next(i for i in prog["items"] if i["code"] == "only_child_reward")["result"]["notice"]
    assert "光荣证" in notice["policy"] and notice["channel"] and notice["procedure"], \
        "the only-child policy, channel and procedure are shown from the application on"

    # HRSS pre-review: its own period from the declaration (jilin_step_periods), not "6 months before"
    pre = the_task(client, hrss, "Task_prereview", bk)
    assert pre["due_at"] > "2027-04-20", pre["due_at"]
    assert pre["summary"]["declaration_late"] is False, "declared exactly 6 months before: on time"
    complete(client, hrss, pre, {"file_reviewed": True, "prereview_result": "pass"})
    tick(eng)
    assert item_states(progress(client, channel, app_id))["deemed_years"] == "done"

    # two months of arrears: social insurance guides the payment before the 2-month feedback date
    guide = the_task(client, si, "Task_contrib_guidance", bk)
    # 2027-08-01 is a Sunday; "2 months before" is an advance-notice deadline, which deadline_roll moves to the
    # previous working day (Friday 30 July) so the feedback still comes at least 2 months ahead
    assert guide["due_at"].startswith("2027-07-30"), guide["due_at"]
    assert guide["due_provisional"] is True, "no official 2027 holiday data yet: the date is marked provisional"
    from handlers.ledger.schema import contributions
    import sqlalchemy as sa
    with eng.runtime.db.begin() as conn:  # the person pays the arrears at the tax bureau
        conn.execute(sa.update(contributions).where(contributions.c.id_number == zhao["id_number"])
                     .values(arrears_months=0, arrears_amount=0))
    complete(client, si, guide, {"guidance_outcome": "recheck", "arrears_settled": True, "guidance_note": "已补缴2个月"})
    tick(eng)
    # the findings go to the employer's inbox before the launch window
    ack = the_task(client, employer, "Task_employer_ack", bk)
    complete(client, employer, ack, {"contribution_findings_read": True})
    tick(eng)
    prog = progress(client, channel, app_id)
    assert [n["type"] for n in prog["next"]] == ["timer"], prog["next"]
    assert prog["next"][0]["due"].startswith("2027-08-31T16:00"), "the launch window opens 2027-09-01 Beijing time"

    # the launch message is refused before the window opens: nobody waits for it yet
    early = client.post("/api/messages", headers=channel,
                        json={"name": "formal_launch", "business_key": bk, "locality": "220000", "payload": {}})
    assert early.status_code == 404

    at(clock, eng, "2027-09-01T08:30:00")
    rv = client.post("/api/messages", headers=channel, json={"name": "formal_launch", "business_key": bk,
                                                            "locality": "220000", "payload": {"by": "employer"}})
    assert rv.status_code == 200, rv.json
    tick(eng)  # the 审批-stage household check runs before the approval task
    instance_id = client.get(f"/api/instances?business_key={bk}", headers=hrss).json["items"][0]["id"]
    assert client.get(f"/api/instances/{instance_id}/certificate.pdf", headers=employer).status_code == 409, \
        "no retirement certificate before the approval"
    approval = the_task(client, hrss, "Task_formal_approval", bk)
    assert item_states(progress(client, channel, app_id))["household_check"] == "done"
    complete(client, hrss, approval, {"decision": "approve", "approval_note": "正常退休"})
    tick(eng)

    # 卫健: the person holds a certificate, so the reward is handled before the item is done
    claim = the_task(client, login("jl_health"), "Task_oc_claim", bk)
    complete(client, login("jl_health"), claim, {"only_child_claim": "handled", "only_child_paid_by": "employer"})
    tick(eng)

    # medical years fall short of the locality's minimum: a lump-sum top-up first
    top_up = the_task(client, medical, "Task_medical_top_up", bk)
    assert item_states(progress(client, channel, app_id))["medical_deemed_years"] == "in_progress"
    complete(client, medical, top_up, {"top_up_paid": True, "top_up_amount": 12000, "top_up_receipt": "YB-1"})
    tick(eng)
    # approved in September, but he reaches 60 years 7 months on 15 October: the housing fund is not sealed and
    # the medical switch waits until that day
    prog = progress(client, channel, app_id)
    assert item_states(prog)["housing_fund_withdrawal"] == "in_progress", "contacted, waiting for the retirement date"
    # each department read the pushed record and told him (applied via the employer on 吉事办) to proceed online
    sms = client.get("/api/notifications", headers=hrss, query_string={"business_key": bk}).json["items"]
    assert sorted(m["template"] for m in sms if m["template"].startswith("contact_")) == ["contact_online"] * 3
    assert {n["type"] for n in prog["next"]} == {"timer"}
    at(clock, eng, "2027-10-15T08:00:00")
    tick(eng)

    prog = progress(client, channel, app_id)
    assert prog["status"] == "completed", prog
    states = item_states(prog)
    assert {k for k, v in states.items() if v == "done"} == NINE - {"early_special_work", "early_illness"}
    assert states["early_special_work"] == states["early_illness"] == "not_applicable"
    results = {i["code"]: i["result"] for i in prog["items"]}
    assert "累计缴费" in results["pension_award"]["contribution_findings"], "the findings stay in the progress view"
    for code in ("medical_deemed_years", "housing_fund_withdrawal", "only_child_reward"):
        assert results[code][f"contact_{code}"]["mode"] == "online", "the contact is fed back in the progress view"
    assert prog["items_done"] == 7 and prog["next"] == []

    # the retirement certificate and the pension figure can be looked up, downloaded and printed
    pdf = client.get(f"/api/instances/{instance_id}/certificate.pdf", headers=employer)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert zhao["id_number"].encode() in pdf.data and b"STSong-Light" in pdf.data
    figure = client.get(f"/api/instances/{instance_id}/pension", headers=channel)
    assert figure.status_code == 200, figure.json
    assert float(figure.json["pension_award"]["monthly_total"]) > 0 and figure.json["pension"]["divisor"]
    pension_pdf = client.get(f"/api/instances/{instance_id}/pension.pdf", headers=channel)
    assert pension_pdf.status_code == 200 and figure.json["pension_award"]["monthly_total"].encode() in pension_pdf.data
    assert client.get(f"/api/instances/{instance_id}/certificate.pdf", headers=login("zy_hrss")).status_code == 404
    from engine.store.models import AuditEvent
    with eng.runtime.reading() as s:
        reads = s.execute(sa.select(AuditEvent.username, AuditEvent.resource).where(
            AuditEvent.resource_id == instance_id)).all()
    assert ("jl_employer", "retirement_certificate") in reads and ("jishiban", "pension_figure") in reads, \
        "every read of the whole-ID documents is audited"

    # Zhao opens the link of his last SMS: every item done, the rights notice, and his certificate to print
    import re

    from handlers.ledger.schema import sms_outbox
    with eng.runtime.db.connect() as conn:
        last = conn.scalar(sa.select(sms_outbox.c.text).where(sms_outbox.c.business_key == bk,
                                                              sms_outbox.c.template == "completed"))
    token = re.search(r"/progress\?t=([\w.\-]+)", last).group(1)
    mine = client.post("/api/public/progress", json={"token": token}).json
    assert mine["state_label"] == "已办结" and mine["rights_notice"]["text"]
    assert all(i["next"] is None for i in mine["items"]) and "独生子女" in mine["only_child"]["policy"]
    own = client.get(mine["certificate_url"])
    assert own.status_code == 200 and own.data.startswith(b"%PDF") and zhao["id_number"].encode() in own.data

    report = client.get("/api/reports/completions", headers=hrss,
                        query_string={"locality": "220000", "from": "2027-01-01", "to": "2027-12-31"}).json
    assert report["total"] == 7
    assert {d["department"] for d in report["departments"]} == {
        "hrss", "social_insurance", "medical_insurance", "housing_fund", "health", "public_security"}
