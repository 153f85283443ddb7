"""Task specs the engine adds to SpiffWorkflow's: external service tasks and DMN business rule tasks, and the
``camunda:asyncAfter`` boundary every task of ours honours."""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.defaults import CallActivity, ManualTask, NoneTask, ScriptTask, ServiceTask
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptEngineTask
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState

from ..dmn.errors import NoMatchingRule
from ..dmn.evaluate import UNMATCHED


ASYNC_AFTER = "async_after"   # the task's internal_data key: "waiting" while its continuation is a job


class AsyncAfter:
    """``camunda:asyncAfter="true"``: when the task completes, its work is kept (data, item, history) but the case
    does not go on in the same command. The task is COMPLETED with its outgoing flows not yet taken and
    ``internal_data["async_after"] == "waiting"``; the mirror leaves a ``continuation`` job, and the worker that
    runs it calls ``continue_after`` to take the flows. The stored state and the job are written in one
    transaction, so a process killed between the two commands loses nothing: the job is still there."""

    def _on_complete(self, my_task):
        if my_task.internal_data.get(ASYNC_AFTER) == "continue" or not is_async_after(self):
            my_task.internal_data.pop(ASYNC_AFTER, None)
            return super()._on_complete(my_task)
        my_task.internal_data[ASYNC_AFTER] = "waiting"
        _end_own_boundary_events(my_task)


def _end_own_boundary_events(my_task) -> None:
    """The activity has ended: the boundary events attached to it wait no longer (as in Camunda, where the
    activity instance ends before its asyncAfter continuation), so a late timer or message cannot interrupt a task
    already done while its continuation is pending."""
    parent = my_task.parent
    for sibling in (parent.children if parent is not None else []):
        if sibling is not my_task and isinstance(sibling.task_spec, BoundaryEvent) \
                and sibling.state == TaskState.WAITING:
            sibling.cancel()


def is_async_after(spec) -> bool:
    return str((getattr(spec, "extensions", None) or {}).get("asyncAfter", "")).strip().lower() == "true"


def waits_after(task) -> bool:
    """The task completed and waits for the worker to take its outgoing flows (``camunda:asyncAfter``), in a scope
    still open: a sub-process or called process interrupted meanwhile (its boundary event fired, a terminate end
    event or a cancel ended it) leaves the task's flows untaken for good, so the mirror closes its job."""
    return task.internal_data.get(ASYNC_AFTER) == "waiting" and _scope_open(task)


def _scope_open(task) -> bool:
    wf = task.workflow
    while True:
        if wf.completed:
            return False
        parent_id = getattr(wf, "parent_task_id", None)
        if parent_id is None:
            return True
        parent = wf.top_workflow.get_task_from_id(parent_id)
        if parent is None or parent.state != TaskState.STARTED:
            return False
        wf = parent.workflow


def continue_after(task) -> None:
    """The continuation job: take the outgoing flows of a task that completed at an asyncAfter boundary."""
    task.internal_data[ASYNC_AFTER] = "continue"
    task.task_spec._on_complete(task)


class ExternalServiceTask(AsyncAfter, ServiceTask):
    """``camunda:type="external"`` with a ``camunda:topic``: runs as a job, outside the engine step.

    Running it does nothing, so the task stays STARTED; the engine turns each STARTED external task
    into a job row and completes the task with the handler's result when the job has run.
    """

    def _run_hook(self, task):
        return None


class DecisionTask(AsyncAfter, ScriptEngineTask, BpmnSpecMixin):
    """``camunda:decisionRef``: evaluates a DMN decision of the case's locality, synchronously."""

    def _run_hook(self, task):
        ext = self.extensions
        engine = task.workflow.script_engine
        token = UNMATCHED.set(None)
        try:
            result = engine.decide_for_task(task, ext["decisionRef"])
            unmatched = UNMATCHED.get()
        finally:
            UNMATCHED.reset(token)
        if unmatched is not None and (result is None or result == []):
            # the standard's null / empty list: the process cannot go on with it, so it is an incident
            raise NoMatchingRule(
                f"business rule task {self.bpmn_name or self.bpmn_id}: {unmatched}; the process needs a result",
                decision_id=unmatched.decision_id, inputs=unmatched.inputs)
        task.data[ext.get("resultVariable") or "decision_result"] = result
        return True


class PassThroughTask(AsyncAfter, NoneTask):
    """A plain ``bpmn:task``: documentation on the diagram, passed through as Camunda does (not a user task)."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class RetireUserTask(AsyncAfter, UserTask):
    """Camunda's user task, honouring ``camunda:asyncAfter``."""


class RetireScriptTask(AsyncAfter, ScriptTask):
    """A script task, honouring ``camunda:asyncAfter``."""


class RetireManualTask(AsyncAfter, ManualTask):
    """A manual task, honouring ``camunda:asyncAfter``."""


class RetireCallActivity(AsyncAfter, CallActivity):
    """A call activity, honouring ``camunda:asyncAfter`` (the boundary is after the called process ends)."""
