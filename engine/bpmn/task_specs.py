"""Task specs the engine adds to SpiffWorkflow's: external service tasks and DMN business rule tasks."""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.defaults import NoneTask, ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptEngineTask
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin


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
        result = engine.decide_for_task(task, ext["decisionRef"])
        task.data[ext.get("resultVariable") or "decision_result"] = result
        return True


class PassThroughTask(NoneTask):
    """A plain ``bpmn:task``: documentation on the diagram, passed through as Camunda does (not a user task)."""

    def __init__(self, wf_spec, bpmn_id, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False
