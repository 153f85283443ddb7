"""The two ways FEEL stops: a text that is not FEEL, and a text or value beyond the budget.

Every other failure (wrong type, unknown name, bad argument) is not an exception: the operation yields
null and a warning is recorded, as the DMN standard requires."""
from __future__ import annotations


class FeelSyntaxError(ValueError):
    """A FEEL text that cannot be parsed; ``position`` is the character offset (or None)."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position


class FeelBudgetError(Exception):
    """An evaluation that would exceed the time/size budget (untrusted input stays bounded): too many
    steps, a string or list too long, functions nested too deep. Not a null: the evaluation stops."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.position = position


class FeelTextTooLarge(FeelBudgetError, FeelSyntaxError):
    """A text beyond the size budget (length, nesting, digits): refused when read, like bad syntax."""


class FeelFailure(Exception):
    """Raised inside the evaluator for an operation that yields null; caught where the null is produced."""
