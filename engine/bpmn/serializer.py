"""Workflow state as JSON without the specs: each row stores only the instance's own state.

Specs are parsed once per deployed version and cached (engine.specs); restoring a workflow takes the
spec objects from there, as spiffworkflow-notes.md recommends. Each task is stored without the values
SpiffWorkflow's converter writes for every task and can be told back on restore (its id, which is already
its key; ``typename`` "Task"; ``triggered`` false; empty ``internal_data``, ``data`` and ``delta``), in
compact JSON with Chinese text as UTF-8: a case waiting at a clerk's task keeps about 7 KB instead of 11.
A state written before (every key present) restores the same way.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG


class SpecRefWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec"] = workflow.spec.name
        dct["subprocess_specs"] = sorted(workflow.subprocess_specs)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateSerializer:
    """Serialize a workflow's state; restore it onto already-parsed specs."""

    def __init__(self):
        config = dict(CAMUNDA_CONFIG)
        config[BpmnWorkflow] = SpecRefWorkflowConverter
        registry = BpmnWorkflowSerializer.configure(config)
        registry.register(date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"]),
                          typename="date")
        registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]), typename="Decimal")
        self._serializer = BpmnWorkflowSerializer(registry)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        ser = self._serializer
        ser.registry._encoder_mode = True  # as serialize_json: data types are converted by the encoder
        try:
            dct = ser.to_dict(workflow)
        finally:
            ser.registry._encoder_mode = False
        dct[ser.VERSION_KEY] = ser.VERSION
        for tree in _trees(dct):
            for task_id, task in tree["tasks"].items():
                _compact(task_id, task)
        return json.dumps(dct, cls=ser._encoder_cls, separators=(",", ":"), ensure_ascii=False)

    def loads(self, text: str, spec, subprocess_specs) -> BpmnWorkflow:
        dct = json.loads(text)
        for tree in _trees(dct):
            for task_id, task in tree["tasks"].items():
                _expand(task_id, task)
        self._serializer.migrate(dct)
        return self._serializer.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)


def _trees(dct: dict):
    """The main task tree and every sub-process's (SpiffWorkflow keeps them side by side in ``subprocesses``)."""
    yield dct
    for sub in (dct.get("subprocesses") or {}).values():
        yield from _trees(sub)


def _compact(task_id: str, task: dict) -> None:
    """Drop what every task of the converter's output carries by default (see _expand)."""
    if task.get("id") == task_id:
        del task["id"]
    if task.get("typename") == "Task":
        del task["typename"]
    if task.get("triggered") is False:
        del task["triggered"]
    if not task.get("internal_data", True):
        del task["internal_data"]
    if task.get("parent") is not None and not task.get("data", True):
        del task["data"]  # a task with a parent keeps its data as a delta against it
    delta = task.get("delta")
    if delta is not None:
        if not delta.get("deletions", True):
            del delta["deletions"]
        if not delta.get("updates", True):
            del delta["updates"]
        if not delta and task.get("parent") is not None:
            del task["delta"]


def _expand(task_id: str, task: dict) -> None:
    """The converter's own form of a stored task (a full one is left as it is)."""
    task.setdefault("id", task_id)
    task.setdefault("typename", "Task")
    task.setdefault("triggered", False)
    task.setdefault("internal_data", {})
    task.setdefault("data", {})
    delta = task.get("delta")
    if delta is None:
        task["delta"] = {} if task.get("parent") is None else {"updates": {}, "deletions": []}
    else:
        delta.setdefault("updates", {})
        delta.setdefault("deletions", [])
