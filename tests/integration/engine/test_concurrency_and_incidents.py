"""Two clerks completing one task at once; a failing handler retried, then an incident an operator retries."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import sqlalchemy as sa

from engine.store.models import HumanTask, Instance, Job
from handlers.ledger.schema import housing_fund_withdrawals
from tests.support.people import person


def _start(eng, roster, probe, seq=11):
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=seq))
    iid = eng.start(probe, "340722", f"BK-{seq}", {"id_number": p["id_number"], "name": p["name"],
                                                  "bank_card": p["bank_card"]}, "test")
    with eng.runtime.reading() as s:
        task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
    return iid, task.id


def test_two_concurrent_completions_of_one_task_give_one_200_and_one_409(eng, client, login, roster, probe):
    _iid, task_id = _start(eng, roster, probe)
    headers = login("zy_hrss")
    barrier, answers = threading.Barrier(2), []

    def clerk():
        c = client.application.test_client()
        barrier.wait()
        rv = c.post(f"/api/tasks/{task_id}/complete", headers=headers, json={"data": {"decision": "approve"}})
        answers.append((rv.status_code, rv.json))

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in answers) == [200, 409], answers
    conflict = next(body for code, body in answers if code == 409)
    assert conflict["code"] == 409 and conflict["status"] == "Conflict" and conflict["message"]
    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.topic == "housing_fund.seal_account")) == 1


def test_a_task_claimed_by_someone_else_cannot_be_completed(eng, client, login, roster, probe):
    _iid, task_id = _start(eng, roster, probe)
    a = login("zy_hrss")
    assert client.post(f"/api/tasks/{task_id}/claim", headers=a).status_code == 200
    b = login("admin")
    rv = client.post(f"/api/tasks/{task_id}/complete", headers=b, json={"data": {"decision": "approve"}})
    assert rv.status_code == 409 and "zy_hrss" in rv.json["message"]


def test_a_failing_handler_is_retried_then_becomes_an_incident_that_an_operator_retry_finishes(
        eng, clock, client, login, roster, probe):
    iid, task_id = _start(eng, roster, probe)
    real = eng.runtime.handlers["housing_fund.withdraw"]
    calls = []

    def broken(ctx):
        calls.append(ctx.idempotency_key)
        raise ConnectionError("housing-fund system unreachable")

    eng.runtime.handlers["housing_fund.withdraw"] = broken
    eng.complete_task(task_id, {"decision": "approve"}, "zy_hrss")
    eng.run_due_jobs()
    with eng.runtime.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == "housing_fund.withdraw"))
        assert (job.status, job.attempts) == ("ready", 1), "the first failure is retried later, with back-off"
        first_retry_at = job.due_at
    assert first_retry_at - clock.now() >= timedelta(seconds=30)
    for _ in range(3):
        clock.advance(hours=1)
        eng.run_due_jobs()
    assert len(calls) == 3 and len(set(calls)) == 1, "every attempt used the same idempotency key"

    admin = login("admin")
    incidents = client.get("/api/incidents", headers=admin).json
    assert incidents["total"] == 1
    incident = incidents["items"][0]
    assert incident["topic"] == "housing_fund.withdraw" and "unreachable" in incident["last_error"]
    inst = client.get(f"/api/instances/{iid}", headers=admin).json
    assert inst["status"] == "running" and inst["waiting_in"][0]["activity_id"] == "Task_withdraw"
    assert any(h["kind"] == "incident" for h in inst["history"])

    eng.runtime.handlers["housing_fund.withdraw"] = real
    rv = client.post(f"/api/incidents/{incident['id']}/retry", headers=admin)
    assert rv.status_code == 200 and rv.json["status"] == "ready"
    eng.run_due_jobs()
    assert client.get("/api/incidents", headers=admin).json["total"] == 0
    assert client.get(f"/api/instances/{iid}", headers=admin).json["status"] == "completed"
    with eng.runtime.db.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(housing_fund_withdrawals)) == 1
    clerk = login("zy_hrss")
    assert client.post(f"/api/incidents/{incident['id']}/retry", headers=clerk).status_code == 403


def test_a_process_error_leaves_the_case_at_its_last_wait_state(eng, client, login, roster):
    from engine.definitions import DefinitionFile

    broken = (__import__("tests.integration.engine.conftest", fromlist=["x"]).APPROVE_THEN_WITHDRAW
              .replace('id="probe_withdrawal"', 'id="probe_broken"')
              .replace('<bpmn:sequenceFlow id="f2" sourceRef="Task_approve" targetRef="Task_seal" />',
                       '<bpmn:sequenceFlow id="f2" sourceRef="Task_approve" targetRef="Gw" />'
                       '<bpmn:exclusiveGateway id="Gw" />'
                       '<bpmn:sequenceFlow id="f2b" sourceRef="Gw" targetRef="Task_seal">'
                       '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">no_such_variable == 1'
                       '</bpmn:conditionExpression></bpmn:sequenceFlow>'))
    eng.deploy("000000", [DefinitionFile("probe_broken.bpmn", broken)], "test")
    iid, task_id = _start(eng, roster, "probe_broken")
    with eng.runtime.reading() as s:
        before = s.get(Instance, iid).version
    rv = client.post(f"/api/tasks/{task_id}/complete", headers=login("zy_hrss"), json={"data": {"decision": "approve"}})
    assert rv.status_code == 422 and "no_such_variable" in rv.json["message"]
    with eng.runtime.reading() as s:
        assert s.get(Instance, iid).version == before
        assert s.get(HumanTask, task_id).status == "open"
