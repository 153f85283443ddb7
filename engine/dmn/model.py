"""What a parsed decision table is made of."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import Problem
from .feel import Compiled
from .unary import UnaryTest

HIT_POLICIES = ("UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER")
SINGLE_HIT = ("UNIQUE", "FIRST", "PRIORITY", "ANY")
AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")


@dataclass(frozen=True)
class InputClause:
    id: str
    label: str
    expression: str                     # the <inputExpression><text>
    type_ref: str | None
    allowed_values: str | None          # <inputValues> text, checked against every input
    getter: Callable[[dict], Any] | None = field(default=None, repr=False)
    allowed: UnaryTest | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.expression

    @property
    def simple_name(self) -> bool:
        return self.expression.isidentifier()


@dataclass(frozen=True)
class OutputClause:
    id: str
    name: str
    label: str
    type_ref: str | None
    allowed_values: str | None          # <outputValues>: also the PRIORITY order
    allowed: UnaryTest | None = field(default=None, repr=False)


@dataclass(frozen=True)
class InputEntry:
    id: str
    text: str
    test: UnaryTest | None = field(default=None, repr=False)   # None when it failed to parse


@dataclass(frozen=True)
class OutputEntry:
    id: str
    text: str
    expr: Compiled | None = field(default=None, repr=False)    # None when it failed to parse


@dataclass(frozen=True)
class Rule:
    number: int                         # 1-based, as shown in dmn-js
    id: str
    input_entries: tuple[InputEntry, ...]
    output_entries: tuple[OutputEntry, ...]
    annotation: str = ""

    @property
    def entries(self) -> tuple:
        return self.input_entries + self.output_entries


@dataclass(frozen=True)
class DecisionResult:
    decision_id: str
    outputs: Any              # dict (single hit, aggregation) or list of dicts (multiple hits)
    matched_rules: list[int]
    matched_rule_ids: list[str]


@dataclass(eq=False)
class Decision:
    id: str
    name: str
    label: str
    hit_policy: str
    aggregation: str | None
    inputs: tuple[InputClause, ...]
    outputs: tuple[OutputClause, ...]
    rules: tuple[Rule, ...]
    description: str = ""
    file_name: str = "<dmn>"
    table_id: str = ""
    syntax_problems: tuple[Problem, ...] = ()
    _plan: Any = field(default=None, repr=False)

    def evaluate(self, context: dict) -> DecisionResult:
        """Evaluate the table for one set of inputs (a dict of variables)."""
        from .evaluate import evaluate
        return evaluate(self, context)

    def problems(self) -> list[Problem]:
        """Deploy-time checks: entry syntax, allowed values, UNIQUE overlaps, PRIORITY setup."""
        from .check import problems
        return problems(self)

    @property
    def title(self) -> str:
        return f"{self.id} ({self.label})" if self.label and self.label != self.id else self.id
