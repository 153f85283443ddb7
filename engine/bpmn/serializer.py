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
from types import ModuleType
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.task import Task


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
            dct = _compact_state(ser.registry, workflow)
            if dct is None:  # a workflow of classes the compact writer does not know: the converter's way
                dct = ser.to_dict(workflow)
                for tree in _trees(dct):
                    for task_id, task in tree["tasks"].items():
                        _compact(task_id, task)
        finally:
            ser.registry._encoder_mode = False
        dct[ser.VERSION_KEY] = ser.VERSION
        return json.dumps(dct, cls=ser._encoder_cls, separators=(",", ":"), ensure_ascii=False, check_circular=False)

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


def _compact_state(registry, workflow) -> dict | None:
    """What the registry's to_dict of ``workflow`` followed by _compact gives, written directly (the converters
    build every task's full dict, then _compact takes most of it out again); None for a workflow, sub-process
    or task of a class other than SpiffWorkflow's own, which the registry may convert differently."""
    if type(workflow) is not BpmnWorkflow or any(type(sub) is not BpmnSubWorkflow
                                                 for sub in workflow.subprocesses.values()):
        return None
    dct = _compact_tree(registry, workflow)
    if dct is None:
        return None
    dct["spec"] = workflow.spec.name  # as SpecRefWorkflowConverter
    dct["subprocess_specs"] = sorted(workflow.subprocess_specs)
    subprocesses = dct["subprocesses"] = {}
    for key, sub in workflow.subprocesses.items():
        tree = subprocesses[str(key)] = _compact_tree(registry, sub)
        if tree is None:
            return None
        tree["parent_task_id"] = str(sub.parent_task_id)  # as BpmnSubWorkflowConverter
        tree["spec"] = sub.spec.name
        tree["typename"] = registry.typenames[BpmnSubWorkflow]
    dct["bpmn_events"] = registry.convert(workflow.bpmn_events)
    dct["typename"] = registry.typenames[BpmnWorkflow]
    return dct


def _compact_tree(registry, workflow) -> dict | None:
    """WorkflowConverter.to_dict, each task in its compact form."""
    tasks = _compact_tasks(workflow.tasks)
    if tasks is None:
        return None
    return {
        "data": registry.convert(registry.clean(workflow.data)),
        "correlations": workflow.correlations,
        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
        "success": workflow.success,
        "completed": workflow.completed,
        "tasks": tasks,
        "root": str(workflow.task_tree.id),
    }


def _compact_tasks(tasks: dict) -> dict | None:
    """{task id: TaskConverter.to_dict of the task (in the encoder's mode: the JSON encoder converts the values
    of its data) after _compact}; None when a task is not of SpiffWorkflow's Task class or not of this tree."""
    # a task's parent and children are looked up by the UUID's number: hashing a UUID runs Python code
    found = {task_id.int: (str(task_id), task) for task_id, task in tasks.items()}
    out = {}
    for text, task in found.values():
        if task.__class__ is not Task or task.workflow.tasks is not tasks:
            return None
        parent_id = task._parent
        parent = found.get(parent_id.int) if parent_id is not None else None
        dct = out[text] = {
            "parent": parent[0] if parent is not None else None,
            "children": [_text(found, child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
        }
        if task.triggered is not False:
            dct["triggered"] = task.triggered
        internal = _clean(task.internal_data)
        if internal:
            dct["internal_data"] = internal
        if parent is None:
            dct["data"] = task.data
            dct["delta"] = {}
        else:
            delta = _delta(parent[1].data, task.data)
            if delta:
                dct["delta"] = delta
    return out


def _text(found: dict, task_id) -> str:
    known = found.get(task_id.int)
    return known[0] if known is not None else str(task_id)


def _clean(data: dict) -> dict:
    """DefaultRegistry.clean: what the registry's convert gives for a dict in the encoder's mode."""
    return {k: v for k, v in data.items() if not callable(v) and not isinstance(v, ModuleType)} if data else data


def _delta(before: dict, after: dict) -> dict:
    """TaskConverter's delta (DeepMerge.get_updated_keys and get_deleted_keys: a value that is the very same
    object is not compared) without its empty parts."""
    delta = {}
    if after is before or after == before:  # most tasks pass their parent's data on unchanged: one C-level compare
        return delta
    updates = {key: value for key, value in after.items()
               if key not in before or (value is not before[key] and value != before[key])}
    if updates:
        delta["updates"] = updates
    if not before.keys() <= after.keys():
        delta["deletions"] = [key for key in before if key not in after]
    return delta


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
