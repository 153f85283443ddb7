"""The script engine attached to every workflow the engine runs: safe builtins, helpers, decisions."""
from __future__ import annotations

from typing import Any, Callable

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from ..clock import SHANGHAI
from .expressions import HELPERS, SAFE_BUILTINS, add_duration, iso_literal, unwrap


class CaseScriptEngine(PythonScriptEngine):
    """One per loaded instance: knows the case's locality so decisions and calendars resolve there.

    ``decide(decision_id, variables) -> dict|list`` and ``functions`` (extra helpers such as the
    working-day calendar) come from the engine.
    """

    def __init__(self, decide: Callable[[str, dict], Any], functions: dict[str, Callable] | None = None):
        self._decide = decide
        env_globals = {"__builtins__": SAFE_BUILTINS, **HELPERS, **(functions or {})}
        env_globals["decide"] = lambda decision_id, **inputs: decide(decision_id, inputs)
        super().__init__(environment=TaskDataEnvironment(env_globals))

    def evaluate(self, task, expression, external_context=None):
        return super().evaluate(task, unwrap(expression), external_context)

    def evaluate_in(self, data: dict, expression: str):
        """Evaluate an expression over a plain dict of variables (dueDate, input parameters)."""
        return self.environment.evaluate(unwrap(expression), dict(data))

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
        return result

    def call_service(self, task, **kwargs):  # pragma: no cover - external tasks never call in-process
        raise NotImplementedError("service tasks run as jobs; see engine.jobs")
