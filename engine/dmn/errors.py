"""Errors raised by the DMN evaluator, and the deploy-time problem record."""
from __future__ import annotations

from dataclasses import dataclass


class DecisionError(Exception):
    """Base class: every DMN error names its decision and, where known, the element."""

    def __init__(self, message: str, *, decision_id: str | None = None,
                 element_id: str | None = None):
        super().__init__(message)
        self.decision_id = decision_id
        self.element_id = element_id


class DecisionSyntaxError(DecisionError):
    """The DMN file or an expression in it cannot be read."""


class DecisionInputError(DecisionError):
    """An input the decision needs is missing or malformed."""

    def __init__(self, message: str, *, decision_id: str | None = None,
                 element_id: str | None = None, input_name: str | None = None):
        super().__init__(message, decision_id=decision_id, element_id=element_id)
        self.input_name = input_name


class NoMatchingRule(DecisionError):
    """No rule of the table matched the inputs."""

    def __init__(self, message: str, *, decision_id: str | None = None,
                 inputs: dict | None = None):
        super().__init__(message, decision_id=decision_id)
        self.inputs = inputs or {}


class AmbiguousMatch(DecisionError):
    """A UNIQUE (or ANY) table matched several rules that it may not."""

    def __init__(self, message: str, *, decision_id: str | None = None,
                 rule_numbers: list[int] | None = None, inputs: dict | None = None):
        super().__init__(message, decision_id=decision_id)
        self.rule_numbers = rule_numbers or []
        self.inputs = inputs or {}


@dataclass(frozen=True)
class Problem:
    """One deploy-time finding about a decision (shown to the policy officer)."""

    decision_id: str
    element_id: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f" [{self.element_id}]" if self.element_id else ""
        return f"{self.decision_id}{where}: {self.message}"
