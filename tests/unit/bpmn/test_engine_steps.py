"""The engine's do_engine_steps (engine/bpmn/engine_steps.py) runs the same tasks in the same order as
SpiffWorkflow's, and a workflow that skips idle WAITING walks ends in the same state."""
from __future__ import annotations

from io import BytesIO

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task

from engine.bpmn.engine_steps import do_engine_steps, ready_tasks, skip_idle_waits
from engine.bpmn.parser import RetireParser
from engine.bpmn.script_engine import CaseScriptEngine
from engine.bpmn.task_specs import ExternalServiceTask
from engine.clock import install_clock_hook

MAIN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="Begin" />
    <bpmn:scriptTask id="Init"><bpmn:script>n = 0</bpmn:script></bpmn:scriptTask>
    <bpmn:parallelGateway id="Split" />
    <bpmn:scriptTask id="A"><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:subProcess id="Sub">
      <bpmn:startEvent id="SubStart" />
      <bpmn:scriptTask id="SubIn"><bpmn:script>c = 3</bpmn:script></bpmn:scriptTask>
      <bpmn:exclusiveGateway id="SubRoute" default="to_small" />
      <bpmn:scriptTask id="Big"><bpmn:script>size = "big"</bpmn:script></bpmn:scriptTask>
      <bpmn:scriptTask id="Small"><bpmn:script>size = "small"</bpmn:script></bpmn:scriptTask>
      <bpmn:exclusiveGateway id="SubMerge" />
      <bpmn:endEvent id="SubEnd" />
      <bpmn:sequenceFlow id="s1" sourceRef="SubStart" targetRef="SubIn" />
      <bpmn:sequenceFlow id="s2" sourceRef="SubIn" targetRef="SubRoute" />
      <bpmn:sequenceFlow id="to_big" sourceRef="SubRoute" targetRef="Big">
        <bpmn:conditionExpression>c &gt; 2</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="to_small" sourceRef="SubRoute" targetRef="Small" />
      <bpmn:sequenceFlow id="s3" sourceRef="Big" targetRef="SubMerge" />
      <bpmn:sequenceFlow id="s4" sourceRef="Small" targetRef="SubMerge" />
      <bpmn:sequenceFlow id="s5" sourceRef="SubMerge" targetRef="SubEnd" />
    </bpmn:subProcess>
    <bpmn:serviceTask id="Svc" camunda:type="external" camunda:topic="t.svc" />
    <bpmn:callActivity id="Call" calledElement="q" />
    <bpmn:scriptTask id="B"><bpmn:script>b = 2</bpmn:script></bpmn:scriptTask>
    <bpmn:parallelGateway id="Join" />
    <bpmn:userTask id="Review" />
    <bpmn:boundaryEvent id="Late" attachedToRef="Review">
      <bpmn:timerEventDefinition><bpmn:timeDate>at("2099-01-04", 0, 0)</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="SubLate" attachedToRef="Sub">
      <bpmn:timerEventDefinition><bpmn:timeDate>at("2099-01-04", 0, 0)</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="TooLate" />
    <bpmn:sequenceFlow id="late1" sourceRef="Late" targetRef="TooLate" />
    <bpmn:sequenceFlow id="late2" sourceRef="SubLate" targetRef="TooLate" />
    <bpmn:scriptTask id="After"><bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="Finish" />
    <bpmn:sequenceFlow id="f1" sourceRef="Begin" targetRef="Init" />
    <bpmn:sequenceFlow id="f2" sourceRef="Init" targetRef="Split" />
    <bpmn:sequenceFlow id="f3" sourceRef="Split" targetRef="A" />
    <bpmn:sequenceFlow id="f4" sourceRef="A" targetRef="Sub" />
    <bpmn:sequenceFlow id="f5" sourceRef="Sub" targetRef="Join" />
    <bpmn:sequenceFlow id="f6" sourceRef="Split" targetRef="Svc" />
    <bpmn:sequenceFlow id="f7" sourceRef="Svc" targetRef="Join" />
    <bpmn:sequenceFlow id="f8" sourceRef="Split" targetRef="Call" />
    <bpmn:sequenceFlow id="f9" sourceRef="Call" targetRef="Join" />
    <bpmn:sequenceFlow id="f10" sourceRef="Split" targetRef="B" />
    <bpmn:sequenceFlow id="f11" sourceRef="B" targetRef="Join" />
    <bpmn:sequenceFlow id="f12" sourceRef="Join" targetRef="Review" />
    <bpmn:sequenceFlow id="f13" sourceRef="Review" targetRef="After" />
    <bpmn:sequenceFlow id="f14" sourceRef="After" targetRef="Finish" />
  </bpmn:process>
</bpmn:definitions>"""

CALLED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="dq" targetNamespace="t">
  <bpmn:process id="q" isExecutable="true">
    <bpmn:startEvent id="QStart" />
    <bpmn:scriptTask id="Q1"><bpmn:script>q = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:parallelGateway id="QSplit" />
    <bpmn:scriptTask id="Q2"><bpmn:script>q2 = q + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="Q3"><bpmn:script>q3 = q + 2</bpmn:script></bpmn:scriptTask>
    <bpmn:parallelGateway id="QJoin" />
    <bpmn:endEvent id="QEnd" />
    <bpmn:sequenceFlow id="g1" sourceRef="QStart" targetRef="Q1" />
    <bpmn:sequenceFlow id="g2" sourceRef="Q1" targetRef="QSplit" />
    <bpmn:sequenceFlow id="g3" sourceRef="QSplit" targetRef="Q2" />
    <bpmn:sequenceFlow id="g4" sourceRef="QSplit" targetRef="Q3" />
    <bpmn:sequenceFlow id="g5" sourceRef="Q2" targetRef="QJoin" />
    <bpmn:sequenceFlow id="g6" sourceRef="Q3" targetRef="QJoin" />
    <bpmn:sequenceFlow id="g7" sourceRef="QJoin" targetRef="QEnd" />
  </bpmn:process>
</bpmn:definitions>"""


def _workflow() -> BpmnWorkflow:
    parser = RetireParser()
    parser.add_bpmn_io(BytesIO(MAIN.encode()), "p.bpmn")
    parser.add_bpmn_io(BytesIO(CALLED.encode()), "q.bpmn")
    return BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"),
                        script_engine=CaseScriptEngine(decide=lambda *_: {}))


def _tree(wf) -> list[tuple[str, str]]:
    return [(t.task_spec.name, TaskState.get_name(t.state)) for t in wf.get_tasks()]


def _drive(wf, engine_steps, ran: list) -> list:
    """Run the case to its end as a command would: engine steps, then the service task's result, then the clerk."""
    snapshots = []
    engine_steps(wf)
    snapshots.append(_tree(wf))
    [svc] = [t for t in wf.get_tasks(state=TaskState.STARTED) if isinstance(t.task_spec, ExternalServiceTask)]
    svc.data["svc"] = "done"
    svc.complete()
    engine_steps(wf)
    snapshots.append(_tree(wf))
    [review] = wf.get_tasks(state=TaskState.READY, manual=True)
    review.data["ok"] = True
    review.run()
    engine_steps(wf)
    snapshots.append(_tree(wf))
    assert wf.is_completed()
    snapshots.append(ran[:])
    snapshots.append(wf.last_task.data)
    return snapshots


@pytest.fixture
def ran(monkeypatch):
    order = []
    run = Task.run

    def recording(task):
        order.append(task.task_spec.name)
        return run(task)

    monkeypatch.setattr(Task, "run", recording)
    return order


def test_the_engines_steps_run_the_same_tasks_in_the_same_order_and_end_in_the_same_state_as_spiffworkflows(ran):
    install_clock_hook()
    theirs = _drive(_workflow(), BpmnWorkflow.do_engine_steps, ran)
    ran.clear()

    def ours(wf):
        skip_idle_waits(wf)
        do_engine_steps(wf)

    mine = _drive(_workflow(), ours, ran)
    assert mine == theirs
    assert {"Big", "Q2", "Q3", "After"} <= set(mine[3]) and "Small" not in mine[3]


def test_the_ready_scan_finds_exactly_the_tasks_the_tree_walk_finds(ran, monkeypatch):
    import engine.bpmn.engine_steps as steps

    install_clock_hook()
    seen = []

    def checked(wf):
        found = ready_tasks(wf)
        walk = [t for t in wf.get_tasks(state=TaskState.READY) if not t.task_spec.manual]
        assert {t.id for t in found} == {t.id for t in walk}
        seen.append(len(walk))
        return found

    monkeypatch.setattr(steps, "ready_tasks", checked)
    _drive(_workflow(), do_engine_steps, ran)
    assert max(seen) > 1 and 0 in seen and 1 in seen, seen
