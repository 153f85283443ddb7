"""Every way SpiffWorkflow runs diagram text (gateway conditions, scripts, timers, multi-instance cardinality and
completion conditions) goes through our interpreter: Python's eval, exec and compile are never called."""
from __future__ import annotations

import builtins
from datetime import datetime
from io import BytesIO

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from engine.bpmn.interpreter import BudgetExceeded
from engine.bpmn.parser import RetireParser
from engine.bpmn.script_engine import CaseScriptEngine
from engine.clock import SHANGHAI, FakeClock, install_clock_hook, using

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="Task_prepare"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Gateway_route" default="f_other"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f_main</bpmn:outgoing><bpmn:outgoing>f_other</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_main" sourceRef="Gateway_route" targetRef="Task_each">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_other" sourceRef="Gateway_route" targetRef="End_other" />
    <bpmn:endEvent id="End_other"><bpmn:incoming>f_other</bpmn:incoming></bpmn:endEvent>
    <bpmn:scriptTask id="Task_each"><bpmn:incoming>f_main</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>
        <bpmn:completionCondition>visits &gt;= 5</bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:script>visits = visits + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="Event_wait"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>{timer}</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="End_main"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_prepare" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_prepare" targetRef="Gateway_route" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_each" targetRef="Event_wait" />
    <bpmn:sequenceFlow id="f4" sourceRef="Event_wait" targetRef="End_main" />
  </bpmn:process>
</bpmn:definitions>"""

NOW = datetime(2027, 1, 31, 10, 0, tzinfo=SHANGHAI)


def _workflow(**parts):
    values = {"script": 'visits = 0; opens = add_months("2027-02-28", 1)', "condition": 'channel == "online"',
              "cardinality": "3", "timer": "at(opens, 0, 0)", **parts}
    parser = RetireParser()
    parser.add_bpmn_io(BytesIO(PROCESS.format(**values).encode()), "p.bpmn")
    return BpmnWorkflow(parser.get_spec("p"), script_engine=CaseScriptEngine(decide=lambda *_: {}))


def _run(wf, data):
    install_clock_hook()
    with using(FakeClock(NOW)):
        for t in wf.get_tasks(state=TaskState.READY):
            t.data.update(data)
        wf.do_engine_steps()
        wf.refresh_timers()


@pytest.fixture
def python_eval_calls(monkeypatch):
    import ast

    calls = []

    def recording(name, real):
        def run(*args, **kwargs):
            calls.append((name, args[:1]))
            return real(*args, **kwargs)
        return run

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, recording(name, getattr(builtins, name)))
    monkeypatch.setattr(ast, "parse", recording("ast.parse", ast.parse))
    return calls


def test_scripts_conditions_cardinality_and_timers_run_without_python_eval(python_eval_calls):
    wf = _workflow()
    python_eval_calls.clear()  # parsing the diagram is not running it
    _run(wf, {"channel": "online"})
    assert python_eval_calls == []
    waiting = [t for t in wf.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "Event_wait"]
    assert [t._get_internal_data("event_value") for t in waiting] == ["2027-03-28T00:00:00+08:00"]
    assert waiting[0].data["visits"] == 3


def test_the_default_flow_is_taken_when_the_condition_is_false():
    wf = _workflow()
    _run(wf, {"channel": "agency"})
    assert wf.is_completed()
    assert "visits" in wf.last_task.data and wf.last_task.data["visits"] == 0


@pytest.mark.parametrize("part, value, element", [
    ("condition", "n ** n == 1", "Gateway_route"),
    ("script", "visits = n ** n", "Task_prepare"),
    ("cardinality", "10 ** n", "Task_each"),
    ("timer", 'at(opens, 0, 0) * n', "Event_wait"),
])
def test_a_bomb_fed_by_case_data_stops_the_step_naming_its_element(part, value, element):
    wf = _workflow(**{part: value})
    with pytest.raises(WorkflowTaskException) as info:
        _run(wf, {"channel": "online", "n": 10 ** 9})
    assert info.value.task.task_spec.bpmn_id == element
    assert isinstance(info.value.__cause__, BudgetExceeded), repr(info.value.__cause__)
