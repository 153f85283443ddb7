"""A handler the engine calls inline writes the ledger through the command's own transaction: its rows and the
case's save commit or roll back together. A job's handler, run by a worker outside any transaction, writes
through the ledger's own transaction as before."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.store.models import HumanTask, Instance, Job
from handlers.ledger.schema import pushes

PUSH_THEN_WAIT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_push" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="probe_push" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_check" />
    <bpmn:userTask id="Task_check" name="审核" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_check" targetRef="Task_push" />
    <bpmn:serviceTask id="Task_push" name="推送" camunda:type="external" camunda:topic="probe.push" {async}/>
    <bpmn:sequenceFlow id="f3" sourceRef="Task_push" targetRef="Task_after" />
    <bpmn:userTask id="Task_after" name="后续" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f4" sourceRef="Task_after" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


class PushProbe:
    """The handler of ``probe.push``: pushes the case to the ledger and notes whether a connection of its own
    could already see the row (only when the write was committed at once)."""

    def __init__(self, eng, *, department="probe"):
        self.eng, self.department, self.seen_by_others = eng, department, []

    def __call__(self, ctx):
        ctx.ports.exchange.push(ctx.business_key, self.department, {"n": 1}, ctx.idempotency_key, at=ctx.now)
        with self.eng.runtime.db.connect() as other:
            self.seen_by_others.append(other.scalar(sa.select(sa.func.count()).select_from(pushes)
                                                    .where(pushes.c.business_key == ctx.business_key)))
        return {"pushed": True}


def _deploy(eng, *, asynchronous=False, handler=None) -> PushProbe:
    content = PUSH_THEN_WAIT.replace("{async}", 'camunda:asyncBefore="true" ' if asynchronous else "")
    probe = handler or PushProbe(eng)
    eng.runtime.handlers["probe.push"] = probe
    eng.deploy("000000", [DefinitionFile("probe_push.bpmn", content)], "test", "probe")
    return probe


def _open_task(eng, iid):
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid, HumanTask.status == "open"))


def _pushed(eng, business_key) -> int:
    with eng.runtime.db.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(pushes).where(pushes.c.business_key == business_key))


def test_an_inline_handlers_ledger_write_commits_with_the_case(eng):
    probe = _deploy(eng)
    iid = eng.start("probe_push", "340722", "BK-PUSH-1", {}, "test")
    eng.complete_task(_open_task(eng, iid).id, {}, "clerk")
    assert probe.seen_by_others == [0], "the row is the command's until it commits"
    assert _pushed(eng, "BK-PUSH-1") == 1
    assert _open_task(eng, iid).activity_id == "Task_after"


def test_an_inline_handlers_ledger_write_rolls_back_with_the_case(eng, monkeypatch):
    probe = _deploy(eng)
    iid = eng.start("probe_push", "340722", "BK-PUSH-2", {}, "test")
    task = _open_task(eng, iid)

    def failing_save(*_a, **_k):
        raise RuntimeError("the save failed")

    with monkeypatch.context() as m:
        m.setattr(eng.runtime, "save", failing_save)
        with pytest.raises(RuntimeError):
            eng.complete_task(task.id, {}, "clerk")
    assert probe.seen_by_others == [0]
    assert _pushed(eng, "BK-PUSH-2") == 0, "nothing of the failed command is kept, the ledger row neither"
    assert _open_task(eng, iid).id == task.id
    eng.complete_task(task.id, {}, "clerk")   # the retry is the first push under the same idempotency key
    assert _pushed(eng, "BK-PUSH-2") == 1 and _open_task(eng, iid).activity_id == "Task_after"


def test_a_job_run_by_a_worker_writes_the_ledger_through_its_own_transaction(eng):
    probe = _deploy(eng, asynchronous=True)
    iid = eng.start("probe_push", "340722", "BK-PUSH-3", {}, "test")
    eng.complete_task(_open_task(eng, iid).id, {}, "clerk")
    assert probe.seen_by_others == [] and _pushed(eng, "BK-PUSH-3") == 0
    eng.run_due_jobs()
    assert probe.seen_by_others == [1], "the job's handler committed its row before the job's result was applied"
    assert _open_task(eng, iid).activity_id == "Task_after"


def test_an_inline_handler_whose_ledger_statement_fails_becomes_a_job_and_the_command_succeeds(eng):
    class BrokenPush(PushProbe):
        def __call__(self, ctx):   # no business key: the ledger refuses the row (NOT NULL)
            ctx.ports.exchange.push(None, self.department, {"n": 1}, ctx.idempotency_key, at=ctx.now)

    _deploy(eng, handler=BrokenPush(eng))
    iid = eng.start("probe_push", "340722", "BK-PUSH-4", {}, "test")
    eng.complete_task(_open_task(eng, iid).id, {}, "clerk")
    with eng.runtime.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == "probe.push"))
        assert (job.status, job.attempts) == ("ready", 1) and "IntegrityError" in job.last_error
        assert s.get(Instance, iid).status == "running"
    assert _open_task(eng, iid) is None


def test_a_failed_handler_leaves_the_ledger_writes_of_the_handlers_before_it_in_the_same_command(eng):
    """Two inline calls in one command: the second one's failure takes back its own writes only (on PostgreSQL
    each writing handler sets a savepoint first), and both the first push and the case's save commit."""
    class PushThenFail(PushProbe):
        def __call__(self, ctx):
            ctx.ports.exchange.push(ctx.business_key, "second", {"n": 2}, ctx.idempotency_key, at=ctx.now)
            ctx.ports.exchange.push(None, "second", {"n": 2}, ctx.idempotency_key, at=ctx.now)

    content = PUSH_THEN_WAIT.replace("{async}", "").replace(
        'targetRef="Task_after" />', 'targetRef="Task_fail" />'
        '<bpmn:serviceTask id="Task_fail" camunda:type="external" camunda:topic="probe.fail" />'
        '<bpmn:sequenceFlow id="f3b" sourceRef="Task_fail" targetRef="Task_after" />')
    eng.runtime.handlers["probe.push"] = PushProbe(eng)
    eng.runtime.handlers["probe.fail"] = PushThenFail(eng)
    eng.deploy("000000", [DefinitionFile("probe_push.bpmn", content)], "test", "probe")
    iid = eng.start("probe_push", "340722", "BK-PUSH-5", {}, "test")
    eng.complete_task(_open_task(eng, iid).id, {}, "clerk")
    with eng.runtime.db.connect() as conn:
        departments = sorted(conn.scalars(sa.select(pushes.c.department).where(pushes.c.business_key == "BK-PUSH-5")))
    with eng.runtime.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == "probe.fail"))
        assert job is not None and job.attempts == 1
    if eng.runtime.db.dialect.name == "postgresql":
        assert departments == ["probe"], "the failed handler's own push was taken back with its savepoint"
    else:
        assert departments == ["probe", "second"]   # SQLite keeps a failed handler's writes: its retry is idempotent
