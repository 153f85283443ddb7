"""``camunda:asyncAfter="true"``: the marked task's work is done in the command that reached it, and the case's
next step is a job the worker runs. Honoured on user, script, business rule and service tasks; a process killed
between the two loses nothing, because the job is written with the state that needs it."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from engine import Engine
from engine.clock import FakeClock
from engine.definitions import DefinitionFile
from engine.store.models import Base, HistoryEvent, HumanTask, Instance, Job, Locality

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_aa" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="aa_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_check" />
    <bpmn:userTask id="Task_check" name="审核" camunda:candidateGroups="hrss" {user}/>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_check" targetRef="Task_script" />
    <bpmn:scriptTask id="Task_script" name="计算" scriptFormat="python" {script}>
      <bpmn:script>scripted = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="Task_script" targetRef="Task_rule" />
    <bpmn:businessRuleTask id="Task_rule" name="判定" camunda:decisionRef="aa_rule" camunda:resultVariable="rule" {rule}/>
    <bpmn:sequenceFlow id="f4" sourceRef="Task_rule" targetRef="Task_first" />
    <bpmn:serviceTask id="Task_first" name="推送" camunda:type="external" camunda:topic="dept.first" {service}/>
    <bpmn:sequenceFlow id="f5" sourceRef="Task_first" targetRef="Task_file" />
    <bpmn:userTask id="Task_file" name="归档" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f6" sourceRef="Task_file" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""

RULE = """<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="aa_rule_defs" name="aa" namespace="test">
  <decision id="aa_rule" name="aa_rule"><decisionTable id="aa_rule_table">
    <input id="i1"><inputExpression id="ie1" typeRef="boolean"><text>scripted</text></inputExpression></input>
    <output id="o1" name="route" typeRef="string"/>
    <rule id="r1"><inputEntry id="r1i1"><text>true</text></inputEntry><outputEntry id="r1o1"><text>"push"</text></outputEntry></rule>
  </decisionTable></decision>
</definitions>
"""
MARKED = {"user": "Task_check", "script": "Task_script", "rule": "Task_rule", "service": "Task_first"}


def _database():
    db = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(db)
    with db.begin() as conn:
        conn.execute(sa.insert(Locality).values(code="000000", name="全国", parent=None, level="nation",
                                                path="/000000/", settings={}))
    return db


def _engine(db, calls: list, clock=None, worker_id="api") -> Engine:
    def first(ctx):
        calls.append(dict(ctx.variables))
        return {"pushed": True}
    return Engine(db_engine=db, clock=clock or FakeClock(datetime(2026, 3, 2, 9)), handlers={"dept.first": first},
                  worker_id=worker_id)


def _deploy(eng, marked: str) -> None:
    content = PROBE.format(**{k: ('camunda:asyncAfter="true" ' if k == marked else "") for k in MARKED})
    files = [DefinitionFile("aa_probe.bpmn", content), DefinitionFile("aa_rule.dmn", RULE)]
    assert [p for p in eng.validate("000000", files) if p.get("severity", "error") == "error"] == []
    eng.deploy("000000", files, "test", "probe")


def _open_tasks(eng, iid) -> list[str]:
    with eng.runtime.reading() as s:
        return list(s.scalars(sa.select(HumanTask.name).where(HumanTask.instance_id == iid,
                                                              HumanTask.status == "open")))


def _jobs(eng, iid) -> list[tuple]:
    with eng.runtime.reading() as s:
        return [(j.kind, j.activity_id, j.status) for j in s.scalars(
            sa.select(Job).where(Job.instance_id == iid).order_by(Job.id))]


def _complete_check(eng) -> str:
    iid = eng.start("aa_probe", "000000", "bk-1", {}, "test")
    with eng.runtime.reading() as s:
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
    assert eng.complete_task(task_id, {"checked": True}, "clerk") == iid
    return iid


def test_without_the_attribute_the_completion_runs_the_case_to_the_next_user_task():
    calls = []
    eng = _engine(_database(), calls)
    _deploy(eng, marked="none")
    iid = _complete_check(eng)
    assert _open_tasks(eng, iid) == ["归档"] and _jobs(eng, iid) == []
    assert calls[0]["scripted"] is True and calls[0]["rule"] == {"route": "push"}


@pytest.mark.parametrize("marked", sorted(MARKED))
def test_the_command_returns_after_the_marked_task_and_the_worker_runs_the_next_step(marked):
    calls = []
    eng = _engine(_database(), calls)
    _deploy(eng, marked)
    iid = _complete_check(eng)
    activity = MARKED[marked]
    assert _jobs(eng, iid) == [("continuation", activity, "ready")]
    assert _open_tasks(eng, iid) == [], "the clerk's task is done and the case has not gone on"
    with eng.runtime.reading() as s:
        row = s.get(Instance, iid)
        assert [w["type"] for w in row.waiting_in] == ["continuation"]
        assert row.status == "running"
    # the marked task did its work in the command; nothing after it ran
    assert len(calls) == (1 if marked == "service" else 0)

    assert eng.run_due_jobs() == 1
    assert _open_tasks(eng, iid) == ["归档"]
    assert _jobs(eng, iid) == [("continuation", activity, "done")]
    [variables] = calls
    assert variables["checked"] is True and variables["scripted"] is True and variables["rule"] == {"route": "push"}
    with eng.runtime.reading() as s:
        kinds = list(s.scalars(sa.select(HistoryEvent.kind).where(HistoryEvent.instance_id == iid)
                               .order_by(HistoryEvent.id)))
    # the service task's call and the continuation each leave their line, whichever command ran them
    assert kinds == ["started", "task_completed", "job_completed", "job_completed"]


def test_a_restart_between_the_command_and_the_continuation_loses_nothing():
    db, calls = _database(), []
    eng = _engine(db, calls)
    _deploy(eng, "script")
    iid = _complete_check(eng)
    del eng                                            # every process is gone; only the database remains
    restarted = _engine(db, calls, worker_id="w2")
    assert _jobs(restarted, iid) == [("continuation", "Task_script", "ready")]
    assert restarted.run_due_jobs() == 1
    assert _open_tasks(restarted, iid) == ["归档"] and len(calls) == 1


def test_a_worker_killed_while_holding_the_continuation_leaves_it_to_the_next_worker_once():
    db, calls = _database(), []
    clock = FakeClock(datetime(2026, 3, 2, 9))
    eng = _engine(db, calls, clock)
    _deploy(eng, "rule")
    iid = _complete_check(eng)
    dying = _engine(db, calls, clock, worker_id="dying")
    [leased] = dying.claim_due_jobs()                  # leased, then the worker is killed -9 before it runs it
    assert leased.kind == "continuation"
    survivor = _engine(db, calls, clock, worker_id="survivor")
    assert survivor.run_due_jobs() == 0                # the lease still holds: nobody runs it twice
    clock.advance(minutes=10)                          # past the lease
    assert survivor.run_due_jobs() == 1
    assert _open_tasks(survivor, iid) == ["归档"] and len(calls) == 1
    assert _jobs(survivor, iid) == [("continuation", "Task_rule", "done")]


def test_a_service_task_with_both_boundaries_runs_its_handler_in_one_job_and_the_next_step_in_another():
    calls = []
    eng = _engine(_database(), calls)
    content = PROBE.format(user="", script="", rule="",
                           service='camunda:asyncBefore="true" camunda:asyncAfter="true" ')
    eng.deploy("000000", [DefinitionFile("aa_probe.bpmn", content), DefinitionFile("aa_rule.dmn", RULE)], "test", "")
    iid = _complete_check(eng)
    assert _jobs(eng, iid) == [("service", "Task_first", "ready")] and calls == []
    [job] = eng.claim_due_jobs()
    assert eng.run_job(job) is None
    assert _jobs(eng, iid) == [("service", "Task_first", "done"), ("continuation", "Task_first", "ready")]
    assert len(calls) == 1 and _open_tasks(eng, iid) == []
    assert eng.run_due_jobs() == 1
    assert _open_tasks(eng, iid) == ["归档"] and len(calls) == 1
