"""DMN 1.3 decision tables with FEEL unary tests, evaluated by our own engine.

    decisions = load_decisions(path.read_bytes(), file_name=str(path))
    decision.problems()                      # deploy-time checks (syntax, overlaps, ...)
    decision.evaluate({"category": "male", "birth_month": "1965-01"}).outputs
"""
from .errors import (
    AmbiguousMatch,
    DecisionError,
    DecisionInputError,
    DecisionSyntaxError,
    NoMatchingRule,
    Problem,
)
from .functions import FUNCTIONS
from .model import Decision, DecisionResult, InputClause, OutputClause, Rule
from .parse import load_decisions

__all__ = [
    "AmbiguousMatch", "Decision", "DecisionError", "DecisionInputError", "DecisionResult",
    "DecisionSyntaxError", "FUNCTIONS", "InputClause", "NoMatchingRule", "OutputClause", "Problem",
    "Rule", "load_decisions",
]
