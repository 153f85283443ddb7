"""Evaluate a decision table: compute inputs, find matching rules, apply the hit policy."""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from .errors import AmbiguousMatch, DecisionInputError, DecisionSyntaxError, NoMatchingRule
from engine.feel import to_python
from engine.feel.values import kind

from .entries import FeelView
from .model import SINGLE_HIT, Decision, DecisionResult, Rule
from .types import coerce, display



class FeelEvalError(Exception):
    """An input expression or output entry gave null with FEEL warnings where the process needs a value."""

# The last table in this thread / task that matched no rule: a business rule task that got nothing
# names it and its inputs in the incident (see engine.bpmn.script_engine.decide_for_task).
UNMATCHED: ContextVar = ContextVar("dmn_unmatched", default=None)


@dataclass
class _RulePlan:
    rule: Rule
    checks: tuple          # ((column, test), ...) without "-" and without the indexed column
    constant_outputs: dict | None
    output_fns: tuple      # ((name, entry), ...) when some output is computed


@dataclass
class Plan:
    rules: tuple[_RulePlan, ...]
    index_column: int | None
    index: dict | None               # str value -> tuple of rule plans
    index_default: tuple = ()        # rules whose indexed entry is "-"
    priorities: tuple = ()           # per output: list of allowed values in priority order
    input_order: tuple = ()          # plain-name inputs first, then computed ones


def build_plan(decision: Decision) -> Plan | None:
    if decision.syntax_problems:
        return None
    column = _index_column(decision)
    plans = []
    for rule in decision.rules:
        checks = tuple((col, entry.test.test) for col, entry in enumerate(rule.input_entries)
                       if entry.test.test is not None and col != column)
        if all(e.expr.constant for e in rule.output_entries):
            constant = {clause.name: _output_value(e.expr.value, clause.type_ref)
                        for clause, e in zip(decision.outputs, rule.output_entries)}
            plans.append(_RulePlan(rule, checks, constant, ()))
        else:
            fns = tuple((clause, e) for clause, e in zip(decision.outputs, rule.output_entries))
            plans.append(_RulePlan(rule, checks, None, fns))
    priorities = tuple(list(o.allowed.literals) if o.allowed else [] for o in decision.outputs)
    order = tuple(sorted(range(len(decision.inputs)), key=lambda i: not decision.inputs[i].simple_name))
    if column is None:
        return Plan(tuple(plans), None, None, (), priorities, order)
    index: dict[str, list] = {}
    default = []
    for plan in plans:
        keys = plan.rule.input_entries[column].test.index_keys
        if keys is None:
            default.append(plan)
            for bucket in index.values():
                bucket.append(plan)
            continue
        for key in keys:
            bucket = index.setdefault(key, list(default))
            bucket.append(plan)
    return Plan(tuple(plans), column, {k: tuple(v) for k, v in index.items()}, tuple(default), priorities, order)


def _index_column(decision: Decision) -> int | None:
    """The column whose entries are all string lists or "-" and that splits the rules best."""
    best, best_size = None, len(decision.rules)
    for col in range(len(decision.inputs)):
        tests = [rule.input_entries[col].test for rule in decision.rules]
        if not tests or any(t.index_keys is None and not t.is_any for t in tests):
            continue
        buckets: dict[str, int] = {}
        anys = sum(1 for t in tests if t.is_any)
        for t in tests:
            for key in t.index_keys or ():
                buckets[key] = buckets.get(key, 0) + 1
        largest = max(buckets.values(), default=0) + anys
        if largest < best_size:
            best, best_size = col, largest
    return best


def _output_value(value, type_ref):
    return value


def evaluate(decision: Decision, context: dict, feel: bool = False) -> DecisionResult:
    """Evaluate the table; outputs as process values (ints for whole numbers), or FEEL values with ``feel``."""
    plan: Plan = decision._plan
    if plan is None:
        first = decision.syntax_problems[0]
        raise DecisionSyntaxError(
            f"decision {decision.title} cannot be evaluated: {first.message}",
            decision_id=decision.id, element_id=first.element_id)
    values, context = _input_values(decision, context, feel)
    if plan.index is not None:
        key = values[plan.index_column]
        candidates = plan.index.get(key, plan.index_default) if key.__class__ is str else plan.index_default
    else:
        candidates = plan.rules
    stop_at_first = decision.hit_policy == "FIRST"
    matched = []
    current = None
    try:
        for current in candidates:
            for col, test in current.checks:
                if not test(values[col], context):
                    break
            else:
                matched.append(current)
                if stop_at_first:
                    break
    except (LookupError, FeelEvalError) as exc:
        raise _entry_error(decision, current.rule, exc, values) from None
    if not matched:
        UNMATCHED.set(NoMatchingRule(
            f"decision {decision.title}: no rule matches the inputs {_show(decision, values)}",
            decision_id=decision.id, inputs=_inputs_dict(decision, values)))
        empty = None if decision.hit_policy in SINGLE_HIT else []
        if decision.aggregation:
            empty = {o.name: (0 if decision.aggregation == "COUNT" else None) for o in decision.outputs}
        return DecisionResult(decision.id, empty if feel else to_python(empty), [], [],
                              _inputs_dict(decision, values))
    policy = decision.hit_policy
    if policy == "UNIQUE" and len(matched) > 1:
        numbers = [m.rule.number for m in matched]
        raise AmbiguousMatch(
            f"decision {decision.title} (hit policy UNIQUE): rules {_and(numbers)} all match the inputs "
            f"{_show(decision, values)}; a UNIQUE table may match only one rule",
            decision_id=decision.id, rule_numbers=numbers, inputs=_inputs_dict(decision, values))
    if policy in SINGLE_HIT or policy == "OUTPUT ORDER":
        rows = [_outputs(decision, m, context, feel) for m in matched]
    if policy in ("UNIQUE", "FIRST"):
        chosen = matched[:1]
        result = rows[0]
    elif policy == "ANY":
        differing = [m.rule.number for m, row in zip(matched, rows) if row != rows[0]]
        if differing:
            numbers = [matched[0].rule.number] + differing
            raise AmbiguousMatch(
                f"decision {decision.title} (hit policy ANY): rules {_and(numbers)} match the inputs "
                f"{_show(decision, values)} but give different outputs",
                decision_id=decision.id, rule_numbers=numbers, inputs=_inputs_dict(decision, values))
        chosen, result = matched[:1], rows[0]
    elif policy in ("PRIORITY", "OUTPUT ORDER"):
        order = sorted(range(len(matched)), key=lambda i: _priority_key(decision, plan, rows[i]))
        if policy == "PRIORITY":
            chosen, result = [matched[order[0]]], rows[order[0]]
        else:
            chosen, result = [matched[i] for i in order], [rows[i] for i in order]
    else:   # RULE ORDER, COLLECT
        chosen = matched
        rows = [_outputs(decision, m, context, feel) for m in matched]
        result = _aggregate(decision, rows) if decision.aggregation else rows
    return DecisionResult(decision.id, result if feel else to_python(result), [m.rule.number for m in chosen],
                          [m.rule.id for m in chosen], _inputs_dict(decision, values))


def dmn_value(decision: Decision, context: dict):
    """The table's value as the standard gives it inside a DRG: one output column gives its value, several
    a context; multiple hits a list; no match null (single hit) or [] (multiple hits)."""
    outputs = evaluate(decision, context, feel=True).outputs
    single = len(decision.outputs) == 1
    if isinstance(outputs, dict):
        return next(iter(outputs.values())) if single else outputs
    if isinstance(outputs, list):
        return [next(iter(row.values())) if single else row for row in outputs]
    return outputs


def _input_values(decision: Decision, context: dict, feel: bool = False) -> tuple[list, dict]:
    """Compute, coerce and check every input column.

    Returns the values and the context the rules see: plain-name inputs are read first, and when
    one was coerced (e.g. "1965-01-15" to a date for a date column) expressions see the coerced value.
    """
    values = [None] * len(decision.inputs)
    ctx = context if context.__class__ is FeelView else FeelView(context)
    for position in decision._plan.input_order:
        clause = decision.inputs[position]
        warnings = None if feel else []
        try:
            try:
                raw = clause.getter(ctx, warnings)
            except LookupError:
                if not feel:
                    raise
                raw = None
            if raw is None and warnings:
                raise FeelEvalError("; ".join(str(w) for w in warnings[:3]))
        except LookupError as exc:
            name = getattr(exc, "name", None) or (exc.args[0] if exc.args else clause.expression)
            raise DecisionInputError(
                f"decision {decision.title}: input {clause.label!r} needs {name!r}, which was not given",
                decision_id=decision.id, element_id=clause.id, input_name=str(name)) from None
        except FeelEvalError as exc:
            raise DecisionInputError(
                f"decision {decision.title}: input {clause.label!r} ({clause.expression}) "
                f"cannot be computed: {exc}",
                decision_id=decision.id, element_id=clause.id, input_name=clause.expression) from None
        try:
            value = coerce(raw, clause.type_ref)
        except ValueError as exc:
            raise DecisionInputError(
                f"decision {decision.title}: input {clause.label!r} ({clause.expression}) is malformed: "
                f"{exc} (column type {clause.type_ref})",
                decision_id=decision.id, element_id=clause.id, input_name=clause.expression) from None
        if clause.allowed is not None and not clause.allowed.test(value, context):
            raise DecisionInputError(
                f"decision {decision.title}: input {clause.label!r} ({clause.expression}) = {display(value)} "
                f"is not one of the allowed values {clause.allowed_values}",
                decision_id=decision.id, element_id=clause.id, input_name=clause.expression)
        if clause.simple_name:
            ctx.cache[clause.expression] = value
        values[position] = value
    return values, ctx


def _outputs(decision: Decision, plan: _RulePlan, context: dict, feel: bool = False) -> dict:
    if plan.constant_outputs is not None:
        return dict(plan.constant_outputs)
    row = {}
    for clause, entry in plan.output_fns:
        warnings = None if feel else []
        try:
            value = entry.expr.fn(context, warnings)
            if value is None and warnings:      # the process needs to know why, not a silent null
                raise FeelEvalError("; ".join(str(w) for w in warnings[:3]))
            row[clause.name] = _output_value(value, clause.type_ref)
        except (LookupError, FeelEvalError) as exc:
            what = f"missing input {getattr(exc, 'name', exc)!r}" if isinstance(exc, LookupError) else str(exc)
            raise DecisionInputError(
                f"decision {decision.title}: rule {plan.rule.number}, output {clause.name!r} "
                f"({entry.text}) cannot be computed: {what}",
                decision_id=decision.id, element_id=entry.id,
                input_name=getattr(exc, "name", None)) from None
    return row


def _priority_key(decision, plan: Plan, row: dict):
    key = []
    for clause, order in zip(decision.outputs, plan.priorities):
        if not order:
            continue
        value = row[clause.name]
        key.append(next((i for i, v in enumerate(order) if v == value and kind(v) == kind(value)), len(order)))
    return tuple(key)


def _aggregate(decision: Decision, rows: list[dict]) -> dict:
    result = {}
    for clause in decision.outputs:
        values = [row[clause.name] for row in rows if row[clause.name] is not None]
        agg = decision.aggregation
        if agg == "COUNT":
            result[clause.name] = Decimal(len(values))
            continue
        if any(kind(v) != "number" for v in values) and agg in ("SUM", "MIN", "MAX"):
            raise DecisionInputError(
                f"decision {decision.title}: COLLECT SUM over {clause.name!r} needs numbers, got {values!r}",
                decision_id=decision.id, element_id=clause.id)
        if not values:
            result[clause.name] = None
        elif agg == "SUM":
            result[clause.name] = sum(values, Decimal(0))
        elif agg == "MIN":
            result[clause.name] = min(values)
        else:
            result[clause.name] = max(values)
    return result


def _entry_error(decision: Decision, rule: Rule, exc: Exception, values) -> DecisionInputError:
    if isinstance(exc, LookupError):
        name = getattr(exc, "name", None) or (exc.args[0] if exc.args else "?")
        return DecisionInputError(
            f"decision {decision.title}: rule {rule.number} needs {name!r}, which was not given",
            decision_id=decision.id, element_id=rule.id, input_name=str(name))
    return DecisionInputError(f"decision {decision.title}: rule {rule.number}: {exc}",
                              decision_id=decision.id, element_id=rule.id)


def _inputs_dict(decision: Decision, values) -> dict:
    return {clause.expression: to_python(value) for clause, value in zip(decision.inputs, values)}


def _show(decision: Decision, values) -> str:
    return ", ".join(f"{clause.expression} = {display(value)}" for clause, value in zip(decision.inputs, values))


def _and(numbers) -> str:
    numbers = [str(n) for n in numbers]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
