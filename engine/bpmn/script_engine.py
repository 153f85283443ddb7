"""The script engine attached to every workflow the engine runs: our interpreter, helpers, decisions.

Every way SpiffWorkflow 3.2.0 runs diagram text goes through here and reaches engine.bpmn.interpreter,
never Python's eval/exec/compile: ``evaluate`` (conditions, timers, cardinality, completion conditions,
message payloads), ``execute`` (script tasks), ``validate`` and the ``environment`` that Spiff also calls
directly (process-level conditions, message correlation).
"""
from __future__ import annotations

from collections import ChainMap
from typing import Any, Callable

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ..clock import SHANGHAI
from .expressions import HELPERS, add_duration, iso_literal
from .interpreter import ExpressionError, evaluate_expression, parse_expression, run_script


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Spiff's environment interface, answered by our interpreter: ``globals`` are the helpers."""

    def evaluate(self, expression, context, external_context=None):
        variables = ChainMap(context, external_context) if external_context else context
        return evaluate_expression(expression, variables, self.globals)

    def execute(self, script, context, external_context=None):
        clash = set(self.globals) & set(context)
        if clash:
            raise ValueError(f"task data overwrites helper name(s) {sorted(clash)}; rename the variable(s)")
        if external_context:
            variables = ChainMap(context, external_context)
            run_script(script, variables, self.globals)
        else:
            run_script(script, context, self.globals)
        return True

    def call_service(self, context, **kwargs):  # pragma: no cover - external tasks never call in-process
        raise NotImplementedError("service tasks run as jobs; see engine.runtime.jobs")


class CaseScriptEngine(PythonScriptEngine):
    """One per loaded instance: knows the case's locality so decisions and calendars resolve there.

    ``decide(decision_id, variables) -> dict|list`` and ``functions`` (extra helpers such as the
    working-day calendar) come from the engine.
    """

    def __init__(self, decide: Callable[[str, dict], Any], functions: dict[str, Callable] | None = None):
        self._decide = decide
        helpers = {**HELPERS, **(functions or {})}
        helpers["decide"] = lambda decision_id, **inputs: decide(decision_id, inputs)
        super().__init__(environment=SafeEnvironment(helpers))

    def validate(self, expression):
        parse_expression(expression)

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except ExpressionError as exc:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}': {exc}", task=task,
                                        exception=exc) from exc
        except Exception as exc:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}'", task=task,
                                        exception=exc) from exc

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context)
        except Exception as exc:
            raise WorkflowTaskException(f"{type(exc).__name__}: {exc}", task=task, exception=exc) from exc

    def evaluate_in(self, data: dict, expression: str):
        """Evaluate an expression over a plain dict of variables (dueDate, input parameters)."""
        return self.environment.evaluate(expression, data)

    def due_date(self, data: dict, text: str, now):
        """A user task's ``camunda:dueDate`` read as Camunda 7 reads it: an ISO 8601 literal or an expression
        giving one; a date or date-time as it is, a duration counted from ``now`` (the task's creation)."""
        value = text.strip() if iso_literal(text) else self.evaluate_in(data, text)
        if isinstance(value, str) and iso_literal(value) == "duration":
            return add_duration(now.astimezone(SHANGHAI), value)
        return value

    def decide_for_task(self, task, decision_ref: str):
        mapping = (task.task_spec.extensions or {}).get("mapDecisionResult")
        result = self._decide(decision_ref, task.data)
        if mapping == "singleEntry":
            row = result if isinstance(result, dict) else (result[0] if result else {})
            return next(iter(row.values()), None)
        if mapping == "resultList" and isinstance(result, dict):
            return [result]
        if mapping == "collectEntries":      # Camunda: the single output column's values, one per matched rule
            rows = result if isinstance(result, list) else ([] if result is None else [result])
            return [next(iter(row.values()), None) if isinstance(row, dict) else row for row in rows]
        if mapping == "singleResult" and isinstance(result, list):
            return result[0] if len(result) == 1 else (None if not result else result)
        return result

    def call_service(self, task, **kwargs):  # pragma: no cover - external tasks never call in-process
        raise NotImplementedError("service tasks run as jobs; see engine.runtime.jobs")
