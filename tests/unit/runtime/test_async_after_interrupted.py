"""A case waiting for the continuation of a ``camunda:asyncAfter`` task can still be interrupted: a boundary timer or
message on the scope around the task, or a cancel, moves the case on and the continuation never runs the old path;
the task's own boundary events end with the task; a case migration waits until the continuation has run."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from engine.clock import FakeClock
from engine.definitions import DefinitionFile
from engine.store.models import HumanTask, Instance

from .test_async_after import _database, _engine, _jobs, _open_tasks

# an interrupting timer (2 h) and message on {on}, and the paths they open: 超时督办, 退件
_BOUNDARIES = """    <bpmn:boundaryEvent id="Event_late" attachedToRef="{on}">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="Event_withdrawn" attachedToRef="{on}">
      <bpmn:messageEventDefinition messageRef="Message_withdrawn" />
    </bpmn:boundaryEvent>
"""
_PATHS = """    <bpmn:sequenceFlow id="f4" sourceRef="Event_late" targetRef="Task_escalate" />
    <bpmn:userTask id="Task_escalate" name="超时督办" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f5" sourceRef="Task_escalate" targetRef="EndEvent_2" />
    <bpmn:endEvent id="EndEvent_2" />
    <bpmn:sequenceFlow id="f6" sourceRef="Event_withdrawn" targetRef="Task_refund" />
    <bpmn:userTask id="Task_refund" name="退件" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f7" sourceRef="Task_refund" targetRef="EndEvent_3" />
    <bpmn:endEvent id="EndEvent_3" />
  </bpmn:process>
  <bpmn:message id="Message_withdrawn" name="withdrawn" />
</bpmn:definitions>
"""


SCOPED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_ai" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="ai_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Sub_review" />
    <bpmn:subProcess id="Sub_review" name="审核阶段">
      <bpmn:startEvent id="Sub_start" />
      <bpmn:sequenceFlow id="s1" sourceRef="Sub_start" targetRef="Task_check" />
      <bpmn:userTask id="Task_check" name="审核" camunda:candidateGroups="hrss" camunda:asyncAfter="true" />
      <bpmn:sequenceFlow id="s2" sourceRef="Task_check" targetRef="Task_sign" />
      <bpmn:userTask id="Task_sign" name="签发" camunda:candidateGroups="hrss" />
      <bpmn:sequenceFlow id="s3" sourceRef="Task_sign" targetRef="Sub_end" />
      <bpmn:endEvent id="Sub_end" />
    </bpmn:subProcess>
""" + _BOUNDARIES.format(on="Sub_review") + """    <bpmn:sequenceFlow id="f2" sourceRef="Sub_review" targetRef="Task_file" />
    <bpmn:userTask id="Task_file" name="归档" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_file" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
""" + _PATHS


def _case(clock=None):
    calls: list = []
    clock = clock or FakeClock(datetime(2026, 3, 2, 9))
    db = _database()
    eng = _engine(db, calls, clock)
    files = [DefinitionFile("ai_probe.bpmn", SCOPED)]
    assert [p for p in eng.validate("000000", files) if p.get("severity", "error") == "error"] == []
    eng.deploy("000000", files, "test", "probe")
    iid = eng.start("ai_probe", "000000", "bk-1", {}, "test")
    with eng.runtime.reading() as s:
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
    assert eng.complete_task(task_id, {"checked": True}, "clerk") == iid
    assert ("continuation", "Task_check", "ready") in _jobs(eng, iid) and _open_tasks(eng, iid) == []
    return eng, iid, clock


def _status(eng, iid):
    with eng.runtime.reading() as s:
        row = s.get(Instance, iid)
        return row.status, sorted(w["type"] for w in row.waiting_in)


def test_a_withdrawal_message_while_the_continuation_waits_takes_the_boundary_path_and_the_job_is_closed():
    eng, iid, _clock = _case()
    eng.deliver_message("withdrawn", "bk-1", {}, locality="000000")
    assert _open_tasks(eng, iid) == ["退件"]
    assert [j for j in _jobs(eng, iid) if j[0] == "continuation"] == [("continuation", "Task_check", "cancelled")]
    assert eng.run_due_jobs() == 0
    assert _open_tasks(eng, iid) == ["退件"], "the old path (签发) never comes back"


def test_a_boundary_timer_firing_before_the_leased_continuation_runs_leaves_that_job_without_effect():
    eng, iid, clock = _case()
    clock.advance(hours=3)
    jobs = {j.kind: j for j in eng.claim_due_jobs()}
    assert set(jobs) == {"continuation", "timer"}
    eng.run_job(jobs["timer"])                       # the scope is interrupted first
    assert _open_tasks(eng, iid) == ["超时督办"]
    assert ("continuation", "Task_check", "cancelled") in _jobs(eng, iid), "the leased job is closed with the scope"
    eng.run_job(jobs["continuation"])                 # the worker that leased the continuation runs it late
    assert _open_tasks(eng, iid) == ["超时督办"], "the continuation did not resurrect 签发"
    assert eng.run_due_jobs() == 0
    assert _open_tasks(eng, iid) == ["超时督办"] and _status(eng, iid) == ("running", ["user_task"])


def test_a_cancelled_case_never_runs_its_pending_continuation():
    eng, iid, _clock = _case()
    eng.cancel(iid, "撤回", "admin")
    assert eng.run_due_jobs() == 0
    assert _open_tasks(eng, iid) == [] and _status(eng, iid)[0] == "cancelled"
    assert ("continuation", "Task_check", "cancelled") in _jobs(eng, iid)


def test_without_an_interruption_the_continuation_still_goes_on_inside_the_scope():
    eng, iid, _clock = _case()
    assert eng.run_due_jobs() == 1
    assert _open_tasks(eng, iid) == ["签发"]


def test_a_case_waiting_for_its_continuation_is_refused_by_a_migration_naming_the_task_and_moves_after_the_job():
    from engine.store.models import Definition
    from .test_async_after import PROBE, RULE, _complete_check, _deploy
    eng = _engine(_database(), [])
    _deploy(eng, "user")
    iid = _complete_check(eng)
    v2 = PROBE.replace('name="归档"', 'name="归档（新版）"').format(user='camunda:asyncAfter="true" ', script="",
                                                                rule="", service="")
    eng.deploy("000000", [DefinitionFile("aa_probe.bpmn", v2), DefinitionFile("aa_rule.dmn", RULE)], "test", "v2")
    with eng.runtime.reading() as s:
        old, new = s.scalars(sa.select(Definition.id).where(Definition.key == "aa_probe")
                             .order_by(Definition.version)).all()
        state_before = s.get(Instance, iid).state

    [refused] = eng.migrate_instances(old, new, {}, dry_run=False, actor="admin")
    assert refused.outcome == "refuse" and "Task_check" in refused.reason and "asyncAfter" in refused.reason
    with eng.runtime.reading() as s:
        row = s.get(Instance, iid)
        assert row.definition_id == old and row.state == state_before
    assert _jobs(eng, iid) == [("continuation", "Task_check", "ready")]

    assert eng.run_due_jobs() == 1                    # the old version's flows are taken, as the case was modelled
    [moved] = eng.migrate_instances(old, new, {}, dry_run=False, actor="admin")
    assert moved.outcome == "move", moved.reason
    assert _open_tasks(eng, iid) == ["归档（新版）"]


OWN_BOUNDARIES = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_as" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="as_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_check" />
    <bpmn:userTask id="Task_check" name="审核" camunda:candidateGroups="hrss" camunda:asyncAfter="true" />
""" + _BOUNDARIES.format(on="Task_check") + """    <bpmn:sequenceFlow id="f2" sourceRef="Task_check" targetRef="Task_sign" />
    <bpmn:userTask id="Task_sign" name="签发" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_sign" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
""" + _PATHS


def test_the_boundary_events_of_the_completed_task_itself_no_longer_interrupt_while_its_continuation_waits():
    import pytest
    from engine.errors import NotFound
    clock = FakeClock(datetime(2026, 3, 2, 9))
    eng = _engine(_database(), [], clock)
    eng.deploy("000000", [DefinitionFile("as_probe.bpmn", OWN_BOUNDARIES)], "test", "probe")
    iid = eng.start("as_probe", "000000", "bk-1", {}, "test")
    with eng.runtime.reading() as s:
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
    eng.complete_task(task_id, {}, "clerk")
    assert _jobs(eng, iid) == [("timer", "Event_late", "cancelled"), ("continuation", "Task_check", "ready")]
    with pytest.raises(NotFound):                    # the activity has ended: its message boundary is gone
        eng.deliver_message("withdrawn", "bk-1", {}, locality="000000")
    clock.advance(hours=3)
    assert eng.run_due_jobs() == 1
    assert _open_tasks(eng, iid) == ["签发"]
