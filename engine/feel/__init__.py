"""FEEL (Friendly Enough Expression Language) as DMN 1.5 defines it: the one FEEL of the engine.

    parse_expression(text, names=()) -> Expr         Expr.evaluate(context, warnings=None) -> value
    parse_unary_tests(text, names=()) -> UnaryTests  UnaryTests.matches(input, context, warnings=None)
    evaluate(text, context, warnings=None)            cached parse + evaluate

Both parsers raise FeelSyntaxError(message, position) for bad text and FeelBudgetError (a FeelSyntaxError)
for text beyond the size budget. Evaluation never raises for a failed operation: it yields null (None) and
appends a warning to ``warnings`` when one is given; only budget overruns raise FeelBudgetError.
Values: see engine.feel.values (Decimal numbers, datetime types, YearsMonthsDuration, Range, FeelFunction).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Mapping

from .errors import FeelBudgetError, FeelSyntaxError, FeelTextTooLarge
from .evaluator import Compiler, Env, State, invoke
from .values import (
    UNBOUNDED, FeelFunction, Range, YearsMonthsDuration, format_value, from_python, to_python,
)

__all__ = ["parse_expression", "parse_unary_tests", "evaluate", "Expr", "UnaryTests", "FeelSyntaxError",
           "FeelBudgetError", "FeelFunction", "Range", "YearsMonthsDuration", "from_python", "to_python",
           "format_value", "call_function", "UNBOUNDED"]


def _multiword(names) -> tuple[str, ...]:
    if not names:
        return ()
    return tuple(n for n in names if n.__class__ is str and not n.isidentifier())


def _env(context, warnings, input_value=None) -> Env:
    return Env(context if context is not None else {}, None, State(warnings), input_value)


class Expr:
    """A parsed FEEL expression; ``evaluate`` may be called any number of times, from any thread."""

    __slots__ = ("text", "tree", "_fn", "constant", "value", "uses_input")

    def __init__(self, text: str, tree, fn, uses_input: bool):
        self.text = text
        self.tree = tree
        self._fn = fn
        self.constant = getattr(fn, "const", False)
        self.value = fn.value if self.constant else None
        self.uses_input = uses_input

    def evaluate(self, context: Mapping[str, Any] | None = None, warnings: list | None = None,
                 input_value: Any = None) -> Any:
        if self.constant:
            return self.value
        try:
            return self._fn(_env(context, warnings, input_value))
        except RecursionError:
            raise FeelBudgetError("the evaluation nested too deeply") from None

    def free_names(self) -> set[str]:
        """Names the expression reads from its context (not the ones it binds itself, not inside a filter,
        whose condition may name the items' entries): for deploy checks."""
        return free_names(self.tree)

    def called_functions(self) -> set[str]:
        """Names the expression calls as functions (built-ins included)."""
        out: set[str] = set()
        _walk_calls(self.tree, out)
        return out

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"


class UnaryTests:
    """Parsed unary tests (a decision-table input entry): ``-``, ``"a","b"``, ``[1..5)``, ``not(< 3)``,
    ``? > x``, ``> date("2025-01-01")``…

    ``is_any`` for ``-``; ``negated`` for ``not(…)``; ``items`` are the parsed positive tests (tuples, see
    engine.feel.parser); ``constants`` the values of the tests that are plain constants (``"a","b"``);
    ``intervals`` the tests as Ranges when every one is constant (a value v is Range(v, v, True, True),
    ``< 10`` is Range(UNBOUNDED, 10, False, False)), else None — for overlap and gap checks."""

    __slots__ = ("text", "is_any", "negated", "items", "_tests", "constants", "intervals", "_static")

    def __init__(self, text, is_any, negated, items, tests, constants, intervals=None):
        self.text = text
        self.is_any = is_any
        self.negated = negated
        self.items = items
        self._tests = tests
        self.constants = constants
        self.intervals = intervals
        self._static = all(getattr(t, "static", False) for t in tests)

    def matches(self, input_value: Any, context: Mapping[str, Any] | None = None,
                warnings: list | None = None) -> bool | None:
        """True when the input satisfies the tests, False when not, None when it cannot be decided
        (e.g. the input is of another type than the tests compare with)."""
        if self.is_any:
            return True
        env = None if self._static else _env(context, warnings, input_value)
        result = False
        try:
            for t in self._tests:
                r = t(input_value, env)
                if r is True:
                    result = True
                    break
                if r is None:
                    result = None
        except RecursionError:
            raise FeelBudgetError("the evaluation nested too deeply") from None
        if self.negated:
            return None if result is None else not result
        return result

    def __repr__(self) -> str:
        return f"UnaryTests({self.text!r})"


def _parser(text: str, names):
    from .builtins import NAMES
    from .parser import Parser
    if not isinstance(text, str):
        raise FeelSyntaxError("a FEEL text must be a string")
    return Parser(text, names=names, builtin_names=NAMES)


def parse_expression(text: str, names: Iterable[str] = (), types: Mapping[str, Any] | None = None) -> Expr:
    """``types``: a model's own type names (``tNumberList``) to predicates ``value -> bool``, for
    ``instance of``."""
    from .parser import check_depth
    p = _parser(text, names)
    if p.at("end"):
        raise FeelSyntaxError("the expression is empty", 0)
    tree = p.expression()
    if not p.at("end"):
        t = p.tok
        raise FeelSyntaxError(f"unexpected {t.text!r} at position {t.pos}", t.pos)
    check_depth(tree)
    c = Compiler(types)
    try:
        fn = c.compile(tree)
    except FeelBudgetError as exc:     # a constant part that is already too large
        raise FeelTextTooLarge(str(exc)) from None
    return Expr(text, tree, fn, c.uses_input)


def parse_unary_tests(text: str, names: Iterable[str] = (), types: Mapping[str, Any] | None = None) -> UnaryTests:
    from .parser import check_depth
    source = (text or "").strip() if isinstance(text, str) else text
    if source in ("", "-"):
        return UnaryTests(text, True, False, [], [], ())
    p = _parser(source, names)
    negated = False
    if p.at("name", "not") and p.peek().kind == "op" and p.peek().text == "(":
        save = p.i
        p.take()
        p.take()
        try:
            items = _test_list(p)
            if p.at_op(")") and p.peek().kind == "end":
                p.take()
                negated = True
            else:
                raise FeelSyntaxError("not a negation")
        except FeelSyntaxError:
            p.i = save
            negated = False
    if not negated:
        items = _test_list(p)
        if not p.at("end"):
            t = p.tok
            raise FeelSyntaxError(f"unexpected {t.text!r} at position {t.pos}", t.pos)
    check_depth(items)
    c = Compiler(types)
    try:
        tests = [c.test(item) for item in items]
    except FeelBudgetError as exc:
        raise FeelTextTooLarge(str(exc)) from None
    values = [_constant(c, item) for item in items]
    constants = tuple(v for v in values if v is not _VARIES and v.__class__ is not Range)
    intervals = None
    if all(v is not _VARIES for v in values):
        intervals = tuple(v if v.__class__ is Range else Range(v, v, True, True) for v in values)
    if len(values) > 1 and all(v.__class__ is str for v in values):
        tests = [_one_of(frozenset(values))]
    return UnaryTests(text, False, negated, items, tests, constants, intervals)


def free_names(tree) -> set[str]:
    out: set[str] = set()
    _free(tree, frozenset(), out)
    return out


def _free(node, bound, out) -> None:
    from .parser import _TAGS
    if not (isinstance(node, tuple) and node and isinstance(node[0], str) and node[0] in _TAGS):
        if isinstance(node, (list, tuple)):
            for part in node:
                _free(part, bound, out)
        return
    tag = node[0]
    if tag == "name":
        if node[1] not in bound:
            out.add(node[1])
        return
    if tag == "filter":
        _free(node[1], bound, out)
        return
    if tag == "for" or tag == "quant":
        loops = node[1] if tag == "for" else node[2]
        inner = set(bound) | {"partial"}
        for loop in loops:
            for part in loop[1:]:
                _free(part, frozenset(inner), out)
            inner.add(loop[0])
        _free(node[2] if tag == "for" else node[3], frozenset(inner), out)
        return
    if tag == "fn":
        _free(node[2], bound | set(node[1]), out)
        return
    if tag == "context":
        inner = set(bound)
        for key, value in node[1]:
            _free(value, frozenset(inner), out)
            inner.add(key)
        return
    if tag == "instance":
        _free(node[1], bound, out)
        return
    if tag == "call":
        from .builtins import BUILTINS
        if not (node[1][0] == "name" and node[1][1] in BUILTINS and node[1][1] not in bound):
            _free(node[1], bound, out)
        for arg in node[2]:
            _free(arg, bound, out)
        for _, arg in node[3] or ():
            _free(arg, bound, out)
        return
    for part in node[1:]:
        _free(part, bound, out)


def _walk_calls(node, out) -> None:
    if isinstance(node, tuple) and len(node) == 4 and node[0] == "call" and isinstance(node[1], tuple) \
            and node[1] and node[1][0] == "name":
        out.add(node[1][1])
    if isinstance(node, (list, tuple)):
        for part in node:
            if isinstance(part, (list, tuple)):
                _walk_calls(part, out)


_VARIES = object()


def _one_of(keys: frozenset):
    """``"worker","cadre","flexible"``: one set lookup."""
    def t(v, env):
        if v.__class__ is str:
            return v in keys
        return False if v is None else None
    t.static = True
    return t


def _constant(c: Compiler, item):
    """The constant value (or Range) a positive test compares with, or _VARIES."""
    from .values import UNBOUNDED
    node = item[2] if item[0] == "utest" else item
    if item[0] == "utest" and item[1] == "!=":
        return _VARIES
    try:
        fn = c.compile(node)
    except FeelBudgetError:
        return _VARIES
    if not getattr(fn, "const", False):
        return _VARIES
    v = fn.value
    if item[0] != "utest" or item[1] == "=":
        return v if v.__class__ is not list else _VARIES
    return {"<": Range(UNBOUNDED, v, False, False), "<=": Range(UNBOUNDED, v, False, True),
            ">": Range(v, UNBOUNDED, False, False), ">=": Range(v, UNBOUNDED, True, False)}[item[1]]


def _test_list(p):
    items = [p.positive_unary_test()]
    while p.at_op(","):
        p.take()
        items.append(p.positive_unary_test())
    return items


@lru_cache(maxsize=1024)
def _cached(text: str, names: tuple[str, ...]) -> Expr:
    return parse_expression(text, names)


def evaluate(text: str, context: Mapping[str, Any] | None = None, warnings: list | None = None) -> Any:
    """Parse (cached) and evaluate ``text``; multi-word names of ``context`` are known to the parser."""
    names = _multiword(context.keys()) if context else ()
    return _cached(text, names).evaluate(context, warnings)


def call_function(fn, args: list, warnings: list | None = None):
    """Call a FEEL function value (a FeelFunction or a Python callable) with positional arguments."""
    return invoke(fn, list(args), None, State(warnings))
