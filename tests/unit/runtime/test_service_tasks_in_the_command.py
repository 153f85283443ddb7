"""The runtime on its own: an in-memory SQLite database, a probe diagram and fake handlers.

A command runs the case until it truly waits: ready service tasks run in its transaction; a failed handler
leaves a job carrying the failure (the command itself succeeds); the model's asyncBefore and a handler
marked as calling a slow outside system leave a job."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from engine import Engine
from engine.clock import FakeClock
from engine.definitions import DefinitionFile
from engine.store.models import Base, HistoryEvent, HumanTask, Instance, Job, Locality
from handlers.context import BusinessRuleViolation

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_rt" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="rt_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_check" />
    <bpmn:userTask id="Task_check" name="审核" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_check" targetRef="Task_first" />
    <bpmn:serviceTask id="Task_first" name="第一步" camunda:type="external" camunda:topic="dept.first" {async}/>
    <bpmn:sequenceFlow id="f3" sourceRef="Task_first" targetRef="Task_second" />
    <bpmn:serviceTask id="Task_second" name="第二步" camunda:type="external" camunda:topic="dept.second" />
    <bpmn:sequenceFlow id="f4" sourceRef="Task_second" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


class Calls:
    def __init__(self):
        self.log, self.fail = [], {}

    def handler(self, topic):
        def run(ctx):
            self.log.append((topic, ctx.idempotency_key))
            failure = self.fail.get(topic)
            if failure is not None:
                raise failure
            return {f"{topic.split('.')[1]}_done": True}
        return run


def _engine(calls: Calls, *, asynchronous: bool = False, slow: str | None = None) -> Engine:
    db = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(db)
    with db.begin() as conn:
        conn.execute(sa.insert(Locality).values(code="000000", name="全国", parent=None, level="nation",
                                                path="/000000/", settings={}))
    handlers = {t: calls.handler(t) for t in ("dept.first", "dept.second")}
    if slow:
        handlers[slow].runs_as_job = True
    eng = Engine(db_engine=db, clock=FakeClock(datetime(2026, 3, 2, 9)), handlers=handlers)
    content = PROBE.replace("{async}", 'camunda:asyncBefore="true" ' if asynchronous else "")
    eng.deploy("000000", [DefinitionFile("rt_probe.bpmn", content)], "test", "probe")
    return eng


def _complete_check(eng) -> str:
    iid = eng.start("rt_probe", "000000", "bk-1", {}, "test")
    with eng.runtime.reading() as s:
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
    assert eng.complete_task(task_id, {}, "clerk") == iid
    return iid


def _case(eng, iid):
    with eng.runtime.reading() as s:
        row = s.get(Instance, iid)
        jobs = s.scalars(sa.select(Job).where(Job.instance_id == iid).order_by(Job.id)).all()
        kinds = list(s.scalars(sa.select(HistoryEvent.kind).where(HistoryEvent.instance_id == iid)
                               .order_by(HistoryEvent.id)))
        return row, jobs, kinds


def test_ready_service_tasks_run_in_the_completion_that_reaches_them_and_leave_no_job():
    calls = Calls()
    eng = _engine(calls)
    iid = _complete_check(eng)
    row, jobs, kinds = _case(eng, iid)
    assert row.status == "completed"
    assert jobs == []
    assert [t for t, _ in calls.log] == ["dept.first", "dept.second"]
    assert kinds == ["started", "task_completed", "job_completed", "job_completed", "completed"]


def test_a_department_that_is_down_makes_a_job_with_its_first_attempt_not_a_failed_completion():
    calls = Calls()
    eng = _engine(calls)
    calls.fail["dept.first"] = ConnectionError("department system down")
    iid = _complete_check(eng)                       # the clerk's completion succeeds
    row, jobs, _ = _case(eng, iid)
    assert row.status == "running"
    [job] = jobs
    assert (job.topic, job.status, job.attempts) == ("dept.first", "ready", 1)
    assert "department system down" in job.last_error
    del calls.fail["dept.first"]
    eng.runtime.clock.advance(minutes=5)                     # past the first back-off
    assert eng.run_due_jobs() == 1                   # the retry runs it, and the next task runs inline
    row, jobs, _ = _case(eng, iid)
    assert row.status == "completed"
    assert [j.status for j in jobs] == ["done"]
    assert [t for t, _ in calls.log] == ["dept.first", "dept.first", "dept.second"]
    assert len({key for _, key in calls.log[:2]}) == 1, "the retry has the same idempotency key"


def test_a_business_rule_refusal_is_an_incident_at_once():
    calls = Calls()
    eng = _engine(calls)
    calls.fail["dept.first"] = BusinessRuleViolation("NOT_ELIGIBLE", "refused")
    iid = _complete_check(eng)
    _row, [job], kinds = _case(eng, iid)
    assert job.status == "incident" and job.attempts == 1
    assert "incident" in kinds


@pytest.mark.parametrize("how", ["asyncBefore", "runs_as_job"])
def test_an_asynchronous_boundary_or_a_slow_handler_leaves_a_job_for_the_worker(how):
    calls = Calls()
    eng = _engine(calls, asynchronous=how == "asyncBefore", slow="dept.first" if how == "runs_as_job" else None)
    iid = _complete_check(eng)
    _row, [job], _ = _case(eng, iid)
    assert (job.topic, job.status, job.attempts) == ("dept.first", "ready", 0)
    assert calls.log == []
    assert eng.run_due_jobs() == 1
    row, _jobs, _ = _case(eng, iid)
    assert row.status == "completed"
    assert [t for t, _ in calls.log] == ["dept.first", "dept.second"]
