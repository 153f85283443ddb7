"""FEEL simple unary tests (input entries): parse once, compile to fast predicates.

Syntax: `-` (any), a value or a list of values (`"male","female"`, `5`, `true`, `null`,
`date("2025-01-01")`), comparisons (`< 60`, `>= "1965-01"`, `= 3`, `!= 3`), ranges with open or
closed ends (`[1..5]`, `(1..5)`, `]1..5[`, `[1..5)`), `not(...)` around any of these, and an
expression using `?` for the input value (`? > 3 and ? < 7`). Endpoints may be arithmetic over
literals or names from the context (then the overlap check treats the entry as undecidable).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .feel import Compiled, Parser, compile_expression, uses_input
from .lexer import FeelSyntaxError
from .overlap import EVERYTHING, NEG, POS, Interval, Region
from .values import KIND, ORDERED_KINDS, feel_compare, feel_equal, kind, to_number

Test = Callable[[Any, dict], bool]


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


def parse_unary_tests(text: str):
    """Return ("any",) or ("tests", negated, items); raise FeelSyntaxError."""
    source = (text or "").strip()
    if source in ("", "-"):
        return ("any",)
    parser = Parser(source)
    if parser.at("keyword", "not") and parser.tokens[1].text == "(":
        parser.take()
        parser.take()
        items = _positive_list(parser)
        if parser.at_op(")") and parser.tokens[parser.i + 1].kind == "end":
            parser.take()
            return ("tests", True, items)
        parser = Parser(source)   # e.g. `not(?) ...`: read it as an expression instead
    items = _positive_list(parser)
    parser.expect_end()
    return ("tests", False, items)


def _positive_list(parser: Parser) -> list:
    items = [_positive(parser)]
    while parser.at_op(","):
        parser.take()
        items.append(_positive(parser))
    return items


def _positive(parser: Parser):
    if parser.at_op("<", "<=", ">", ">=", "=", "!="):
        op = parser.take().text
        return ("cmp", op, parser.additive())
    if parser.at_op("[", "]", "("):
        start = parser.i
        try:
            return _range(parser)
        except FeelSyntaxError:
            if parser.tokens[start].text != "(":
                raise
            parser.i = start
    return ("eq", parser.expression())


def _range(parser: Parser):
    opener = parser.take().text
    lo = parser.additive()
    parser.expect("op", "..")
    hi = parser.additive()
    if not parser.at_op("]", ")", "["):
        t = parser.tok
        raise FeelSyntaxError(f"expected ']', ')' or '[' to close the range at position {t.pos}", t.pos)
    closer = parser.take().text
    return ("range", opener == "[", lo, hi, closer == "]")


def compile_unary_tests(text: str) -> UnaryTest:
    tree = parse_unary_tests(text)
    if tree[0] == "any":
        return ANY_TEST
    _, negated, items = tree
    parts = [_compile_item(item) for item in items]
    tests = [p[0] for p in parts]
    names = frozenset().union(*(p[3] for p in parts))
    literals = tuple(v for p in parts for v in p[2])

    strings = [p[2][0] for p in parts if len(p[2]) == 1 and kind(p[2][0]) == "str"]
    only_strings = len(strings) == len(parts)
    if only_strings and len(strings) > 1:
        keys = frozenset(strings)
        positive: Test = lambda v, ctx: v.__class__ is str and v in keys
    elif len(tests) == 1:
        positive = tests[0]
    else:
        def positive(v, ctx, _tests=tuple(tests)):
            for t in _tests:
                if t(v, ctx):
                    return True
            return False

    region = None
    if all(p[1] is not None for p in parts):
        region = Region(negated, tuple(iv for p in parts for iv in p[1].intervals))
    if negated:
        return UnaryTest(text, lambda v, ctx: not positive(v, ctx), region, (), None, names)
    index_keys = frozenset(strings) if only_strings else None
    return UnaryTest(text, positive, region, literals, index_keys, names)


def _compile_item(item):
    """Return (test, region-or-None, literals, names)."""
    tag = item[0]
    if tag == "eq" or (tag == "cmp" and item[1] == "="):
        node = item[1] if tag == "eq" else item[2]
        expr = compile_expression(node)
        if uses_input(node):
            return (lambda v, ctx: expr.fn(ctx, v) is True), None, (), expr.names
        if expr.constant:
            value = to_number(expr.value)
            k = kind(value)
            region = Region(False, (Interval.point(k, value),)) if k in ORDERED_KINDS | {"bool", "null"} else None
            return _equals(value), region, (value,), frozenset()
        return (lambda v, ctx: feel_equal(v, to_number(expr.fn(ctx, v)))), None, (), expr.names
    if tag == "cmp":
        op = item[1]
        expr = compile_expression(item[2])
        if op == "!=":
            return (lambda v, ctx: not feel_equal(v, to_number(expr.fn(ctx, v)))), None, (), expr.names
        if expr.constant and kind(to_number(expr.value)) in ORDERED_KINDS:
            value = to_number(expr.value)
            k = kind(value)
            lo, lo_c, hi, hi_c = {
                "<": (NEG, False, value, False), "<=": (NEG, False, value, True),
                ">": (value, False, POS, False), ">=": (value, True, POS, False),
            }[op]
            return _compare(op, k, value), Region(False, (Interval(k, lo, lo_c, hi, hi_c),)), (), frozenset()
        if expr.constant:
            raise FeelSyntaxError(f"cannot compare with {expr.value!r}")
        return (lambda v, ctx: feel_compare(op, v, to_number(expr.fn(ctx, v))) is True), None, (), expr.names
    _, lo_closed, lo_node, hi_node, hi_closed = item
    lo, hi = compile_expression(lo_node), compile_expression(hi_node)
    if lo.constant and hi.constant:
        lo_v, hi_v = to_number(lo.value), to_number(hi.value)
        k = kind(lo_v)
        if k != kind(hi_v) or k not in ORDERED_KINDS:
            raise FeelSyntaxError(f"range ends {lo.value!r} and {hi.value!r} are not of one ordered type")
        region = Region(False, (Interval(k, lo_v, lo_closed, hi_v, hi_closed),))
        return _between(k, lo_v, lo_closed, hi_v, hi_closed), region, (), frozenset()
    return _dynamic_range(lo, lo_closed, hi, hi_closed), None, (), lo.names | hi.names


def _equals(value) -> Test:
    k = kind(value)
    if value is None:
        return lambda v, ctx: v is None
    if k == "bool":
        return lambda v, ctx: v is value
    if k == "str":
        return lambda v, ctx: v.__class__ is str and v == value
    return lambda v, ctx: KIND.get(v.__class__) == k and v == value


def _compare(op: str, k: str, c) -> Test:
    get = KIND.get
    if op == "<":
        return lambda v, ctx: get(v.__class__) == k and v < c
    if op == "<=":
        return lambda v, ctx: get(v.__class__) == k and v <= c
    if op == ">":
        return lambda v, ctx: get(v.__class__) == k and v > c
    return lambda v, ctx: get(v.__class__) == k and v >= c


def _between(k: str, lo, lo_closed: bool, hi, hi_closed: bool) -> Test:
    get = KIND.get
    if lo_closed and hi_closed:
        return lambda v, ctx: get(v.__class__) == k and lo <= v <= hi
    if lo_closed:
        return lambda v, ctx: get(v.__class__) == k and lo <= v < hi
    if hi_closed:
        return lambda v, ctx: get(v.__class__) == k and lo < v <= hi
    return lambda v, ctx: get(v.__class__) == k and lo < v < hi


def _dynamic_range(lo: Compiled, lo_closed: bool, hi: Compiled, hi_closed: bool) -> Test:
    def test(v, ctx):
        a, b = to_number(lo.fn(ctx, v)), to_number(hi.fn(ctx, v))
        low = feel_compare("<=" if lo_closed else "<", a, v)
        high = feel_compare("<=" if hi_closed else "<", v, b)
        return low is True and high is True
    return test
