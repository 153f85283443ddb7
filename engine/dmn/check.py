"""Deploy-time checks a policy officer sees before a table goes live."""
from __future__ import annotations

from .errors import Problem
from .model import Decision
from .overlap import regions_intersect
from engine.feel.values import kind

from .types import display


def problems(decision: Decision) -> list[Problem]:
    found = list(decision.syntax_problems)
    found += _allowed_values(decision)
    if decision.hit_policy in ("PRIORITY", "OUTPUT ORDER"):
        found += _priority_setup(decision)
    if decision.hit_policy in ("UNIQUE", "ANY") and not decision.syntax_problems:
        found += _overlaps(decision)
    if decision.aggregation in ("SUM", "MIN", "MAX"):
        found += _aggregated_outputs(decision)
    if not decision.rules:
        found.append(Problem(decision.id, decision.table_id, "the table has no rules"))
    return found


def _allowed_values(decision: Decision) -> list[Problem]:
    """A literal in a rule that the column's allowed values exclude is almost always a typo."""
    found = []
    for rule in decision.rules:
        for clause, entry in zip(decision.inputs, rule.input_entries):
            if clause.allowed is None or entry.test is None:
                continue
            for value in entry.test.literals:
                if not clause.allowed.test(value, {}):
                    found.append(Problem(
                        decision.id, entry.id,
                        f"rule {rule.number}, input {clause.label!r}: {display(value)} is not one of the "
                        f"allowed values {clause.allowed_values}"))
        for clause, entry in zip(decision.outputs, rule.output_entries):
            if clause.allowed is None or entry.expr is None or not entry.expr.constant:
                continue
            value = entry.expr.value
            if value is not None and not clause.allowed.test(value, {}):
                found.append(Problem(
                    decision.id, entry.id,
                    f"rule {rule.number}, output {clause.name!r}: {display(value)} is not one of the "
                    f"allowed values {clause.allowed_values}"))
    return found


def _aggregated_outputs(decision: Decision) -> list[Problem]:
    found = []
    for clause in decision.outputs:
        if (clause.type_ref or "").lower() in ("string", "boolean", "date"):
            found.append(Problem(
                decision.id, clause.id,
                f"COLLECT {decision.aggregation} aggregates every output, but output {clause.name!r} is "
                f"of type {clause.type_ref}"))
    return found


def _priority_setup(decision: Decision) -> list[Problem]:
    found = []
    listed = [o for o in decision.outputs if o.allowed is not None and o.allowed.literals]
    if not listed:
        found.append(Problem(
            decision.id, decision.table_id,
            f"hit policy {decision.hit_policy} needs output values (in priority order) on at least one "
            "output column"))
    for clause in decision.outputs:
        if clause.allowed is not None and not clause.allowed.literals:
            found.append(Problem(
                decision.id, clause.id,
                f"output {clause.name!r}: priority values must be a list of literals, "
                f"not {clause.allowed_values!r}"))
    return found


def _overlaps(decision: Decision) -> list[Problem]:
    found = []
    rules = decision.rules
    regions = [[entry.test.region for entry in rule.input_entries] for rule in rules]
    for i in range(len(rules)):
        for j in range(i + 1, len(rules)):
            if not _may_overlap(regions[i], regions[j]):
                continue
            a, b = rules[i], rules[j]
            if decision.hit_policy == "ANY" and _same_outputs(a, b):
                continue
            example = ""
            if decision.hit_policy == "ANY":
                example = " and give different outputs"
            found.append(Problem(
                decision.id, b.id,
                f"rules {a.number} and {b.number} overlap{example}: some inputs match both "
                f"(hit policy {decision.hit_policy}; rule ids {a.id}, {b.id})"))
    return found


def _may_overlap(left, right) -> bool:
    """True only when the overlap is certain; an undecidable column gives False."""
    for a, b in zip(left, right):
        answer = regions_intersect(a, b)
        if answer is not True:
            return False
    return True


def _same_outputs(a, b) -> bool:
    for x, y in zip(a.output_entries, b.output_entries):
        if not (x.expr.constant and y.expr.constant):
            if x.text != y.text:
                return False
        elif x.expr.value != y.expr.value or kind(x.expr.value) != kind(y.expr.value):
            return False
    return True
