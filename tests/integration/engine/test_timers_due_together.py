"""Many cases' timers due at the same instant: a worker fires them together (on PostgreSQL several in one
transaction), every case moves on exactly once, and a case that fails when its timer fires does not hold the
others back: its own job carries the failure, as when it fires alone."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.store.models import HistoryEvent, HumanTask, Job

WAIT_THEN_TASK = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_wait" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="probe_wait" name="探针：到期后办理" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Wait" />
    <bpmn:intermediateCatchEvent id="Wait" name="等到约定时间">
      <bpmn:timerEventDefinition><bpmn:timeDate>due</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="Task_after" />
    <bpmn:userTask id="Task_after" name="到期办理" camunda:candidateGroups="hrss" camunda:dueDate="${deadline}" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_after" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_timers_of_many_cases_due_at_once_all_fire_once_and_a_failing_case_keeps_its_failure_to_itself(eng, clock):
    eng.deploy("000000", [DefinitionFile("probe_wait.bpmn", WAIT_THEN_TASK)], "test", "probe")
    def start(key, deadline="2026-12-31"):
        due = clock.now() + timedelta(hours=1)
        return eng.start("probe_wait", "340722", key, {"due": due.isoformat(), "deadline": deadline}, "test")

    good = [start(f"WAIT-{i}") for i in range(6)]  # all of them fine: they fire together
    clock.advance(hours=2)
    eng.run_due_jobs()
    good += [start(f"WAIT-{i}") for i in range(6, 9)]  # with a case whose step fails when its timer fires
    bad = start("WAIT-BAD", deadline="不是日期")
    clock.advance(hours=2)
    eng.run_due_jobs()

    with eng.runtime.reading() as s:
        jobs = {j.instance_id: j for j in s.scalars(sa.select(Job).where(Job.kind == "timer"))}
        tasks = dict(s.execute(sa.select(HumanTask.instance_id, HumanTask.activity_id)
                               .where(HumanTask.status == "open")).all())
        fired = list(s.scalars(sa.select(HistoryEvent.instance_id).where(HistoryEvent.kind == "timer_fired")))
    assert all(jobs[i].status == "done" for i in good)
    assert {i: tasks.get(i) for i in good} == {i: "Task_after" for i in good}
    assert sorted(fired) == sorted(good), "every good case's timer fired exactly once; the failing one did not"
    failed = jobs[bad]
    assert failed.status == "ready" and failed.attempts == 1 and "不是日期" in failed.last_error
    assert failed.due_at > clock.now(), "the failing case's timer retries later, after a back-off"
    assert bad not in tasks
