"""Task specs the engine adds to SpiffWorkflow's: external service tasks and DMN business rule tasks."""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.defaults import NoneTask, ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptEngineTask
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin

from ..dmn.errors import NoMatchingRule
from ..dmn.evaluate import UNMATCHED


class ExternalServiceTask(ServiceTask):
    """``camunda:type="external"`` with a ``camunda:topic``: runs as a job, outside the engine step.

    Running it does nothing, so the task stays STARTED; the engine turns each STARTED external task
    into a job row and completes the task with the handler's result when the job has run.
    """

    def _run_hook(self, task):
        return None


class DecisionTask(ScriptEngineTask, BpmnSpecMixin):
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


class PassThroughTask(NoneTask):
    """A plain ``bpmn:task``: documentation on the diagram, passed through as Camunda does (not a user task)."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False
