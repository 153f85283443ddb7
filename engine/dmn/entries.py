"""Decision-table cells compiled through engine.feel, with what the table evaluator and checks need.

``unary(text, names)`` gives a ``UnaryTest``: a fast predicate ``test(value, ctx) -> bool`` (plain
literals, comparisons and ranges get a direct closure; everything else goes through
``engine.feel.UnaryTests.matches``), the region of values it accepts for overlap checks, the literals
it accepts by equality and, for a plain list of strings, index keys. ``output(text, names)`` and
``getter(text, names)`` compile output entries and input expressions. Contexts handed in are process
variables: ``FeelView`` shows them to FEEL as FEEL values (ints as Decimals), with the project's own
DMN functions (``engine.dmn.library``) beside the built-ins.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

from engine.feel import FeelSyntaxError, from_python, parse_expression, parse_unary_tests

from .library import FUNCTIONS
from .overlap import EVERYTHING, NEG, POS, Interval, Region

Test = Callable[[Any, Any], bool]
KINDS = {Decimal: "number", str: "string", date: "date", bool: "boolean", type(None): "null"}
ORDERED = frozenset({"number", "string", "date"})


class FeelView(Mapping):
    """Process variables as FEEL sees them; the project's functions are found after the variables."""

    __slots__ = ("raw", "cache")

    def __init__(self, raw):
        self.raw = raw
        self.cache = {}

    def __getitem__(self, key):
        try:
            return self.cache[key]
        except KeyError:
            pass
        try:
            value = from_python(self.raw[key])
        except KeyError:
            value = FUNCTIONS[key]
        self.cache[key] = value
        return value

    def __contains__(self, key):
        return key in self.raw or key in FUNCTIONS

    def __iter__(self):
        return iter(self.raw)

    def __len__(self):
        return len(self.raw)


def view(ctx):
    return ctx if isinstance(ctx, FeelView) else FeelView(ctx)


@dataclass(frozen=True)
class UnaryTest:
    text: str
    test: Test | None                 # None means "-": matches anything
    region: Region | None             # for overlap checks; None = not decidable
    literals: tuple = ()              # constant values the entry accepts by equality
    index_keys: frozenset | None = None   # strings, when the entry is a plain list of strings
    names: frozenset = field(default_factory=frozenset)

    @property
    def is_any(self) -> bool:
        return self.test is None


ANY_TEST = UnaryTest("-", None, EVERYTHING)


def _kind(v) -> str:
    return KINDS.get(v.__class__, "other")


def unary(text: str, names=()) -> UnaryTest:
    tests = parse_unary_tests(text, names)
    if tests.is_any:
        return ANY_TEST
    lint(tests.items, names)
    parts = [_fast(item) for item in tests.items]
    literals = tuple(p[2] for p in parts if p is not None and p[2] is not _NONE)
    if all(p is not None for p in parts):
        region = Region(tests.negated, tuple(p[1] for p in parts))
        fns = tuple(p[0] for p in parts)
        if len(fns) == 1:
            positive = fns[0]
        else:
            strings = [p[2] for p in parts if p[2].__class__ is str]
            if len(strings) == len(parts):
                keys = frozenset(strings)
                positive = lambda v, ctx: v.__class__ is str and v in keys  # noqa: E731
            else:
                def positive(v, ctx, _fns=fns):
                    for f in _fns:
                        if f(v, ctx):
                            return True
                    return False
        if tests.negated:
            return UnaryTest(text, lambda v, ctx: not positive(v, ctx), region, (), None)
        strings = [p[2] for p in parts if p[2].__class__ is str]
        index = frozenset(strings) if len(strings) == len(parts) else None
        return UnaryTest(text, positive, region, literals, index)
    matches = tests.matches
    return UnaryTest(text, lambda v, ctx: matches(v, view(ctx)) is True, None,
                     () if tests.negated else literals, None)


_NONE = object()


def _const(node):
    if node[0] == "lit":
        return True, node[1]
    return False, None


def _fast(item):
    """(test, interval, literal) for a constant literal / comparison / range, else None."""
    tag = item[0]
    if tag == "lit":
        value = item[1]
        k = _kind(value)
        if k in ORDERED or k in ("boolean", "null"):
            return _equals(value), Interval.point(k, value if k != "null" else 0), value
        return None
    if tag == "utest" and item[1] in ("<", "<=", ">", ">="):
        ok, value = _const(item[2])
        k = _kind(value)
        if not ok or k not in ORDERED:
            return None
        op = item[1]
        lo, lo_c, hi, hi_c = {"<": (NEG, False, value, False), "<=": (NEG, False, value, True),
                              ">": (value, False, POS, False), ">=": (value, True, POS, False)}[op]
        return _compare(op, k, value), Interval(k, lo, lo_c, hi, hi_c), _NONE
    if tag == "utest" and item[1] == "=":
        ok, value = _const(item[2])
        k = _kind(value)
        if ok and (k in ORDERED or k == "boolean"):
            return _equals(value), Interval.point(k, value), value
        return None
    if tag == "range":
        _, lo_in, lo_node, hi_node, hi_in = item
        ok1, lo = _const(lo_node) if lo_node is not None else (False, None)
        ok2, hi = _const(hi_node) if hi_node is not None else (False, None)
        k = _kind(lo)
        if not (ok1 and ok2) or k != _kind(hi) or k not in ORDERED:
            return None
        return _between(k, lo, lo_in, hi, hi_in), Interval(k, lo, lo_in, hi, hi_in), _NONE
    return None


def _equals(value) -> Test:
    if value is None:
        return lambda v, ctx: v is None
    c = value.__class__
    return lambda v, ctx: v.__class__ is c and v == value


def _compare(op: str, k: str, c) -> Test:
    cls = c.__class__
    if op == "<":
        return lambda v, ctx: v.__class__ is cls and v < c
    if op == "<=":
        return lambda v, ctx: v.__class__ is cls and v <= c
    if op == ">":
        return lambda v, ctx: v.__class__ is cls and v > c
    return lambda v, ctx: v.__class__ is cls and v >= c


def _between(k: str, lo, lo_closed: bool, hi, hi_closed: bool) -> Test:
    cls = lo.__class__
    if lo_closed and hi_closed:
        return lambda v, ctx: v.__class__ is cls and lo <= v <= hi
    if lo_closed:
        return lambda v, ctx: v.__class__ is cls and lo <= v < hi
    if hi_closed:
        return lambda v, ctx: v.__class__ is cls and lo < v <= hi
    return lambda v, ctx: v.__class__ is cls and lo < v < hi


@dataclass(frozen=True)
class Compiled:
    """An output entry: fn(context, input) -> FEEL value; constant ones carry their value."""
    fn: Callable[[Any, Any], Any]
    constant: bool
    value: Any = None


def output(text: str, names=()) -> Compiled:
    if not text.strip():
        return Compiled(lambda ctx, q: None, True, None)
    expr = parse_expression(text, names)
    lint(expr.tree, names)
    if expr.constant:
        return Compiled(lambda ctx, q, _v=expr.value: _v, True, expr.value)
    _constant_warnings(expr, text)
    direct = _direct_call(expr.tree, names)
    if direct is not None:
        return Compiled(direct, False)
    evaluate = expr.evaluate
    return Compiled(lambda ctx, warnings=None: evaluate(view(ctx), warnings), False)


def _direct_call(tree, names):
    """``add_months(birth_month, 725)``: a project function of plain names and literals, called without
    the FEEL interpreter (the national tables' outputs are all like this; it halves their evaluation)."""
    if tree[0] != "call" or tree[1][0] != "name" or tree[3] is not None:
        return None
    fn = FUNCTIONS.get(tree[1][1])
    if fn is None or tree[1][1] in names:
        return None
    args = []
    for arg in tree[2]:
        if arg[0] == "lit":
            args.append((False, arg[1]))
        elif arg[0] == "name" and arg[1].isidentifier():
            args.append((True, arg[1]))
        else:
            return None
    args = tuple(args)

    def call(ctx, warnings=None):
        values = []
        for is_name, a in args:
            if is_name:
                try:
                    values.append(ctx[a])
                except KeyError:
                    if warnings is not None:
                        warnings.append(f"no variable named '{a}'")
                    return None
            else:
                values.append(a)
        try:
            return from_python(fn(*values))
        except (ValueError, TypeError, ArithmeticError) as exc:
            if warnings is not None:
                warnings.append(f"{tree[1][1]}(): {exc}")
            return None
    return call


_EXTERNAL = re.compile(r"\)\s*external\s*\{")


def expression(text: str, names=()):
    """A literal expression of a boxed expression: fn(ctx) -> FEEL value."""
    if _EXTERNAL.search(text):
        raise FeelSyntaxError("an external (Java / PMML) function cannot be evaluated here; only FEEL functions")
    expr = parse_expression(text, names)
    lint(expr.tree, names)
    if expr.constant:
        value = expr.value
        return lambda ctx: value
    evaluate = expr.evaluate
    return lambda ctx: evaluate(view(ctx))


def unary_tests(text: str, names=()):
    """Allowed values of an item definition: fn(value, ctx) -> bool | None."""
    tests = parse_unary_tests(text, names)
    return lambda value, ctx: tests.matches(value, view(ctx))


class MissingName(LookupError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def getter(text: str, names=()):
    """An input expression: a plain name (or dotted path of plain names) is read directly and a missing one
    raises MissingName; anything else is a FEEL expression (null when it cannot be computed)."""
    stripped = text.strip()
    parts = stripped.split(".")
    if all(p.isidentifier() for p in parts) or stripped in names:
        if stripped in names or len(parts) == 1:
            key = stripped

            def read(ctx, warnings=None):
                try:
                    return from_python((ctx.raw if ctx.__class__ is FeelView else ctx)[key])
                except KeyError:
                    raise MissingName(key) from None
            read.simple = True
            return read

        def read_path(ctx, warnings=None):
            raw = ctx.raw if isinstance(ctx, FeelView) else ctx
            if stripped in raw:
                return from_python(raw[stripped])
            value = raw
            for i, part in enumerate(parts):
                if isinstance(value, dict) and part in value:
                    value = value[part]
                else:
                    raise MissingName(".".join(parts[:i + 1]))
            return from_python(value)
        return read_path
    expr = parse_expression(stripped, names)
    lint(expr.tree, names)
    evaluate = expr.evaluate
    return lambda ctx, warnings=None: evaluate(view(ctx), warnings)


def lint(tree, names=()) -> None:
    """What FEEL would only answer with null at run time, refused when the table is read: a call of a
    function that exists nowhere, a comparison of a comparison, a range whose ends are of two types, and
    a constant that cannot be computed."""
    from engine.feel.builtins import BUILTINS
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, tuple) or not node or not isinstance(node[0], str):
            if isinstance(node, list):
                stack.extend(node)
            continue
        tag = node[0]
        if tag == "call" and isinstance(node[1], tuple) and node[1][0] == "name":
            fname = node[1][1]
            if fname not in BUILTINS and fname not in FUNCTIONS and fname not in names:
                raise FeelSyntaxError(f"unknown function {fname!r}")
        if tag == "utest" and isinstance(node[2], tuple) and node[2][:1] == ("utest",):
            raise FeelSyntaxError(f"'{node[1]}' is followed by another comparison")
        if tag == "range" and node[2] is not None and node[3] is not None and node[2][0] == node[3][0] == "lit":
            lo, hi = node[2][1], node[3][1]
            if lo is not None and hi is not None and _kind(lo) != _kind(hi):
                raise FeelSyntaxError(f"the range ends {lo!r} and {hi!r} are not of one type")
        stack.extend(part for part in node[1:] if isinstance(part, (tuple, list)))


def _constant_warnings(expr, text):
    if expr.constant:
        return
    if _uses_names(expr.tree):
        return
    warnings: list = []
    value = expr.evaluate({}, warnings)
    if value is None and warnings:
        raise FeelSyntaxError(f"{text!r} cannot be computed: {warnings[0]}")


def _uses_names(tree) -> bool:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, tuple) and node and isinstance(node[0], str):
            if node[0] in ("name", "input", "fn", "quant", "for", "filter", "path"):
                return True
            stack.extend(p for p in node[1:] if isinstance(p, (tuple, list)))
    return False


__all__ = ["FeelSyntaxError", "FeelView", "UnaryTest", "Compiled", "unary", "output", "getter", "expression",
           "unary_tests", "MissingName", "view"]
