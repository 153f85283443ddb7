"""What a parsed decision table is made of."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import Problem
from .entries import Compiled, UnaryTest

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
        return self.getter is not None and getattr(self.getter, "simple", False)


@dataclass(frozen=True)
class OutputClause:
    id: str
    name: str
    label: str
    type_ref: str | None
    allowed_values: str | None          # <outputValues>: also the PRIORITY order
    allowed: UnaryTest | None = field(default=None, repr=False)
    default: Compiled | None = field(default=None, repr=False)   # <defaultOutputEntry>, when no rule matches


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
    inputs: dict = field(default_factory=dict)     # a table's input values by input expression


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
    drg: Any = field(default=None, repr=False)        # the Model the decision belongs to
    element: Any = field(default=None, repr=False)    # its DRG element (requirements)

    def evaluate(self, context: dict) -> DecisionResult:
        """Evaluate the table for one set of inputs (a dict of variables); required decisions first.

        No matching rule gives outputs None (single hit) or [] (multiple hits), as the standard says.
        """
        if self.element is not None and _requires(self.element):
            context = self.drg.context_for(self.element, context)
        return _evaluate()(self, context)

    def problems(self) -> list[Problem]:
        """Deploy-time checks: entry syntax, allowed values, UNIQUE overlaps, PRIORITY setup; and the
        problems of the file's other elements (expressions, references, requirement cycles)."""
        from .check import problems
        return problems(self) + (drg_problems(self.drg, self) if self.drg is not None else [])

    @property
    def title(self) -> str:
        return f"{self.id} ({self.label})" if self.label and self.label != self.id else self.id


def _evaluate():
    global _EVALUATE
    if _EVALUATE is None:
        from .evaluate import evaluate
        _EVALUATE = evaluate
    return _EVALUATE


_EVALUATE = None


def _requires(element) -> bool:
    return bool(element.required_decisions or element.required_knowledge or element.required_inputs)


def drg_problems(model, decision) -> list[Problem]:
    """The file's problems outside its decision tables, reported once (on the file's first decision)."""
    first = next(iter(model.decisions()), None)
    if first is None or first.public is not decision:
        return []
    from .check import problems
    found = list(model.problems)
    for table in model.tables:
        if table.element is None:          # tables inside BKMs and boxed expressions
            found += problems(table)
    return found


@dataclass(eq=False)
class DrgDecision:
    """A decision whose logic is a literal expression or another boxed expression (not a table)."""
    element: Any
    drg: Any

    @property
    def id(self) -> str:
        return self.element.id

    @property
    def name(self) -> str:
        return self.element.name

    @property
    def label(self) -> str:
        return self.element.label or self.element.name

    @property
    def file_name(self) -> str:
        return self.element.file_name

    @property
    def description(self) -> str:
        return self.element.description

    @property
    def title(self) -> str:
        return f"{self.id} ({self.label})" if self.label and self.label != self.id else self.id

    def evaluate(self, context: dict) -> DecisionResult:
        """The decision's value, as one output named after its variable."""
        value = self.drg.evaluate(self.id, context)
        return DecisionResult(self.id, {self.name: value}, [], [])

    def problems(self) -> list[Problem]:
        return drg_problems(self.drg, self)
