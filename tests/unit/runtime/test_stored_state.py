"""The stored state of a case: compact (no per-task defaults), and restored exactly as SpiffWorkflow wrote it.

A state written in SpiffWorkflow's own full form (every case stored before the compact form) restores to the
same workflow as the compact one, so no stored case needs rewriting."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.bpmn.script_engine import CaseScriptEngine
from engine.bpmn.serializer import StateSerializer
from engine.specs import parse_process

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_state" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="state_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Fork" />
    <bpmn:parallelGateway id="Fork" />
    <bpmn:sequenceFlow id="f2" sourceRef="Fork" targetRef="Task_review" />
    <bpmn:sequenceFlow id="f3" sourceRef="Fork" targetRef="Sub" />
    <bpmn:userTask id="Task_review" name="审核" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f4" sourceRef="Task_review" targetRef="Join" />
    <bpmn:subProcess id="Sub" name="子流程">
      <bpmn:startEvent id="Sub_start" />
      <bpmn:sequenceFlow id="s1" sourceRef="Sub_start" targetRef="Sub_task" />
      <bpmn:userTask id="Sub_task" name="复核" camunda:candidateGroups="hrss" />
      <bpmn:sequenceFlow id="s2" sourceRef="Sub_task" targetRef="Sub_end" />
      <bpmn:endEvent id="Sub_end" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f5" sourceRef="Sub" targetRef="Join" />
    <bpmn:parallelGateway id="Join" />
    <bpmn:sequenceFlow id="f6" sourceRef="Join" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def _case_at_review():
    pspec = parse_process("state_probe", [("state_probe.bpmn", PROBE)])
    se = CaseScriptEngine(decide=lambda *_a: {}, functions={})
    wf = BpmnWorkflow(pspec.spec, pspec.subprocess_specs, script_engine=se)
    for t in wf.get_tasks(state=TaskState.READY):
        t.data.update({"name": "汪春凤", "birth": date(1966, 8, 17), "pension": Decimal("3120.50"),
                       "items": ["retiree_medical", "housing_fund_withdrawal"]})
    wf.do_engine_steps()
    sub_task = next(t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "Sub_task")
    sub_task.data["checked_by"] = "王建"
    sub_task.run()
    wf.do_engine_steps()
    return pspec, wf


def _full_form(serializer: StateSerializer, wf) -> dict:
    """SpiffWorkflow's own serialization of ``wf`` (every key of every task), for comparison."""
    return json.loads(serializer._serializer.serialize_json(wf))


def test_a_case_waiting_at_a_task_is_stored_without_the_per_task_defaults_and_restores_the_same():
    serializer = StateSerializer()
    pspec, wf = _case_at_review()
    text = serializer.dumps(wf)
    stored = json.loads(text)
    tasks = [t for tree in (stored, *stored["subprocesses"].values()) for t in tree["tasks"].values()]
    assert stored["subprocesses"], "the probe keeps a sub-process tree beside the main one"
    assert not any("typename" in t or "id" in t for t in tasks)
    assert "汪春凤" in text and len(text.encode("utf-8")) < 0.75 * len(serializer._serializer.serialize_json(wf))

    restored = serializer.loads(text, pspec.spec, pspec.subprocess_specs)
    assert _full_form(serializer, restored) == _full_form(serializer, wf)
    review = next(t for t in restored.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "Task_review")
    assert review.data["birth"] == date(1966, 8, 17) and review.data["pension"] == Decimal("3120.50")


def test_a_state_stored_in_spiffworkflows_full_form_restores_to_the_same_case_and_runs_on():
    serializer = StateSerializer()
    pspec, wf = _case_at_review()
    old_form = serializer._serializer.serialize_json(wf)  # how every case was stored before the compact form

    from_old = serializer.loads(old_form, pspec.spec, pspec.subprocess_specs)
    from_new = serializer.loads(serializer.dumps(wf), pspec.spec, pspec.subprocess_specs)
    assert _full_form(serializer, from_old) == _full_form(serializer, from_new) == _full_form(serializer, wf)

    for restored in (from_old, from_new):
        restored.script_engine = wf.script_engine
        review = next(t for t in restored.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "Task_review")
        review.run()
        restored.do_engine_steps()
        assert restored.is_completed()
        end = restored.get_tasks(spec_name="EndEvent_1")[0]
        assert end.data["checked_by"] == "王建" and end.data["name"] == "汪春凤"


def test_the_compact_state_is_what_spiffworkflows_converter_writes_less_the_per_task_defaults():
    from engine.bpmn.serializer import _compact, _trees

    serializer = StateSerializer()
    for wf in _case_at_review()[1], _case_at_start():
        full = _full_form(serializer, wf)
        for tree in _trees(full):
            for task_id, task in tree["tasks"].items():
                _compact(task_id, task)
        assert json.loads(serializer.dumps(wf)) == full


def test_a_task_whose_data_lost_a_variable_keeps_the_deletion_in_its_compact_form():
    serializer = StateSerializer()
    pspec, wf = _case_at_review()
    review = next(t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "Task_review")
    del review.data["pension"]
    restored = serializer.loads(serializer.dumps(wf), pspec.spec, pspec.subprocess_specs)
    again = next(t for t in restored.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "Task_review")
    assert "pension" not in again.data and again.data["name"] == "汪春凤"
    assert _full_form(serializer, restored) == _full_form(serializer, wf)


def _case_at_start():
    pspec = parse_process("state_probe", [("state_probe.bpmn", PROBE)])
    return BpmnWorkflow(pspec.spec, pspec.subprocess_specs, script_engine=CaseScriptEngine(decide=lambda *_a: {},
                                                                                              functions={}))
