"""DMN 1.1 to 1.5 decision requirements graphs, evaluated by our own engine.

    decisions = load_decisions(path.read_bytes(), file_name=str(path))
    decision.problems()                      # deploy-time checks (syntax, overlaps, references, cycles)
    decision.evaluate({"category": "male", "birth_month": "1965-01"}).outputs   # required decisions first

    model = load_model([(name, bytes), ...])  # a file and the files it imports
    model.evaluate("Decision name", inputs)   # the decision's DMN value (null / [] when no rule matched)
"""
from .errors import (
    AmbiguousMatch,
    DecisionError,
    DecisionInputError,
    DecisionSyntaxError,
    NoMatchingRule,
    Problem,
)
from .library import FUNCTIONS
from .drg import Model
from .evaluate import UNMATCHED
from .model import Decision, DecisionResult, DrgDecision, InputClause, OutputClause, Rule
from .parse import load_decisions, load_model

__all__ = [
    "AmbiguousMatch", "Decision", "DecisionError", "DecisionInputError", "DecisionResult",
    "DecisionSyntaxError", "FUNCTIONS", "InputClause", "NoMatchingRule", "OutputClause", "Problem",
    "Rule", "load_decisions", "load_model", "Model", "DrgDecision", "UNMATCHED",
]
