"""FEEL expressions: a recursive-descent parser and a compiler to Python closures.

Supported: literals (numbers, "strings", true, false, null), names and dotted paths
(`person.category`), `?` (the input value inside a unary test), function calls from
`functions.FUNCTIONS`, `+ - * /`, unary minus, `= != < <= > >=`, `and`, `or`, `not(x)`,
`if c then a else b`, parentheses. Nothing is passed to Python's eval.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any, Callable

from .functions import FUNCTIONS
from .lexer import FeelSyntaxError, Token, tokenize
from .values import feel_compare, feel_equal, kind, to_number

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")

# Budget: a FEEL text has no loops or variables, so its work is bounded by its size; these bound the size
# and what one operation may produce (policy staff write these texts).
MAX_TEXT = 10_000         # characters of one expression
MAX_NESTING = 30          # parentheses / unary minus nested
MAX_TREE_DEPTH = 100      # operations chained (a+b+c+... is as deep as it is long)
MAX_DIGITS = 400          # digits of a number literal
MAX_INT_BITS = 1024       # size of an integer produced
MAX_STRING = 100_000      # characters of a string produced


class MissingName(LookupError):
    """A name used by an expression is not in the evaluation context."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class FeelEvalError(ValueError):
    """An expression could not be evaluated (bad argument type, function error)."""


class Parser:
    def __init__(self, text: str):
        if len(text) > MAX_TEXT:
            raise FeelSyntaxError(f"the expression is {len(text)} characters long; at most {MAX_TEXT} are allowed")
        self.text = text
        self.tokens: list[Token] = tokenize(text)
        self.i = 0
        self.nesting = 0

    def nest(self, delta: int) -> None:
        self.nesting += delta
        if self.nesting > MAX_NESTING:
            raise FeelSyntaxError(f"the expression is nested more than {MAX_NESTING} levels deep", self.tok.pos)

    # -- token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def at(self, kind: str, text: str | None = None) -> bool:
        t = self.tokens[self.i]
        return t.kind == kind and (text is None or t.text == text)

    def at_op(self, *ops: str) -> bool:
        t = self.tokens[self.i]
        return t.kind == "op" and t.text in ops

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def expect(self, kind: str, text: str | None = None) -> Token:
        if not self.at(kind, text):
            t = self.tok
            want = text or kind
            got = t.text or "end of text"
            raise FeelSyntaxError(f"expected {want!r} at position {t.pos}, found {got!r}", t.pos)
        return self.take()

    def expect_end(self):
        if not self.at("end"):
            t = self.tok
            raise FeelSyntaxError(f"unexpected {t.text!r} at position {t.pos}", t.pos)

    # -- expressions
    def expression(self):
        self.nest(1)
        node = self._expression()
        self.nest(-1)
        return node

    def _expression(self):
        if self.at("keyword", "if"):
            self.take()
            cond = self.expression()
            self.expect("keyword", "then")
            then = self.expression()
            self.expect("keyword", "else")
            return ("if", cond, then, self.expression())
        return self.disjunction()

    def disjunction(self):
        node = self.conjunction()
        while self.at("keyword", "or"):
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.comparison()
        while self.at("keyword", "and"):
            self.take()
            node = ("and", node, self.comparison())
        return node

    def comparison(self):
        node = self.additive()
        if self.at_op(*COMPARISONS):
            op = self.take().text
            node = ("cmp", op, node, self.additive())
        return node

    def additive(self):
        node = self.multiplicative()
        while self.at_op("+", "-"):
            op = self.take().text
            node = ("bin", op, node, self.multiplicative())
        return node

    def multiplicative(self):
        node = self.unary()
        while self.at_op("*", "/"):
            op = self.take().text
            node = ("bin", op, node, self.unary())
        return node

    def unary(self):
        if self.at_op("-"):
            self.take()
            self.nest(1)
            operand = self.unary()
            self.nest(-1)
            if operand[0] == "lit" and kind(operand[1]) == "num":
                return ("lit", -operand[1])
            return ("neg", operand)
        return self.postfix()

    def postfix(self):
        node = self.primary()
        while self.at_op("."):
            self.take()
            part = self.expect("name").text
            node = ("name", node[1] + (part,)) if node[0] == "name" else ("get", node, part)
        return node

    def primary(self):
        t = self.tok
        if t.kind == "number":
            self.take()
            if len(t.text) > MAX_DIGITS:
                raise FeelSyntaxError(f"a number has more than {MAX_DIGITS} digits", t.pos)
            return ("lit", Decimal(t.text) if "." in t.text else int(t.text))
        if t.kind == "string":
            self.take()
            return ("lit", t.text)
        if t.kind == "keyword" and t.text in ("true", "false", "null"):
            self.take()
            return ("lit", {"true": True, "false": False, "null": None}[t.text])
        if t.kind == "keyword" and t.text == "not":
            self.take()
            self.expect("op", "(")
            inner = self.expression()
            self.expect("op", ")")
            return ("call", "not", [inner])
        if t.kind == "op" and t.text == "?":
            self.take()
            return ("input",)
        if t.kind == "op" and t.text == "(":
            self.take()
            inner = self.expression()
            self.expect("op", ")")
            return inner
        if t.kind == "name":
            self.take()
            if self.at_op("("):
                self.take()
                args = []
                if not self.at_op(")"):
                    args.append(self.expression())
                    while self.at_op(","):
                        self.take()
                        args.append(self.expression())
                self.expect("op", ")")
                if t.text not in FUNCTIONS:
                    raise FeelSyntaxError(f"unknown function {t.text!r}", t.pos)
                return ("call", t.text, args)
            return ("name", (t.text,))
        got = t.text or "end of text"
        raise FeelSyntaxError(f"expected a value at position {t.pos}, found {got!r}", t.pos)


def parse_expression(text: str):
    parser = Parser(text)
    if parser.at("end"):
        return ("lit", None)
    node = parser.expression()
    parser.expect_end()
    _check_depth(node)
    return node


def _check_depth(root) -> None:
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise FeelSyntaxError(f"the expression is more than {MAX_TREE_DEPTH} operations deep")
        for part in node[1:]:
            if isinstance(part, tuple) and part and part[0] in _TAGS:
                stack.append((part, depth + 1))
            elif isinstance(part, list):
                stack.extend((arg, depth + 1) for arg in part)


def _fit(value):
    """``value`` when within the budget for one operation's result."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise FeelEvalError(f"a number would be larger than {MAX_INT_BITS} bits")
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise FeelEvalError(f"a string would be longer than {MAX_STRING} characters")
    return value


_TAGS = frozenset({"lit", "input", "name", "get", "neg", "bin", "cmp", "and", "or", "if", "call"})


def uses_input(node) -> bool:
    """True when the expression refers to `?` (the input value of a unary test)."""
    if node[0] == "input":
        return True
    if node[0] in ("name", "lit"):
        return False
    for part in node[1:]:
        if isinstance(part, tuple) and part and part[0] in _TAGS and uses_input(part):
            return True
        if isinstance(part, list) and any(uses_input(arg) for arg in part):
            return True
    return False


@dataclass(frozen=True)
class Compiled:
    """A compiled expression: fn(context, input_value) -> value."""

    fn: Callable[[dict, Any], Any]
    constant: bool
    value: Any = None
    names: frozenset = frozenset()


def compile_expression(node) -> Compiled:
    fn, names = _compile(node)
    if names or uses_input(node):
        return Compiled(fn, False, None, frozenset(names))
    try:
        value = fn(None, None)
    except (FeelEvalError, ValueError, TypeError) as exc:
        raise FeelSyntaxError(str(exc)) from None
    return Compiled(lambda ctx, q, _v=value: _v, True, value, frozenset())


def lookup(ctx: dict, path: tuple[str, ...]):
    if len(path) == 1:
        try:
            return ctx[path[0]]
        except KeyError:
            raise MissingName(path[0]) from None
    dotted = ".".join(path)
    if dotted in ctx:
        return ctx[dotted]
    value = ctx
    for i, part in enumerate(path):
        if isinstance(value, dict):
            if part not in value:
                raise MissingName(".".join(path[:i + 1]))
            value = value[part]
        elif hasattr(value, part) and not part.startswith("_"):
            value = getattr(value, part)
        else:
            raise MissingName(".".join(path[:i + 1]))
    return value


def _arith(op, a, b):
    if a is None or b is None:
        return None
    a, b = to_number(a), to_number(b)
    ka, kb = kind(a), kind(b)
    if op == "+" and ka == kb == "str":
        if len(a) + len(b) > MAX_STRING:
            raise FeelEvalError(f"a string would be longer than {MAX_STRING} characters")
        return a + b
    if ka != "num" or kb != "num":
        raise FeelEvalError(f"cannot compute {a!r} {op} {b!r}")
    if op == "+":
        return _fit(a + b)
    if op == "-":
        return _fit(a - b)
    if op == "*":
        if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
            raise FeelEvalError(f"a number would be larger than {MAX_INT_BITS} bits")
        return _fit(a * b)
    try:
        return Decimal(a) / Decimal(b)
    except (DivisionByZero, InvalidOperation):
        return None


def _compile(node):
    tag = node[0]
    if tag == "lit":
        value = node[1]
        return (lambda ctx, q: value), set()
    if tag == "input":
        return (lambda ctx, q: q), set()
    if tag == "name":
        path = node[1]
        if len(path) == 1:
            key = path[0]

            def name(ctx, q):
                try:
                    return ctx[key]
                except KeyError:
                    raise MissingName(key) from None
            return name, {key}
        return (lambda ctx, q: lookup(ctx, path)), {".".join(path)}
    if tag == "get":
        inner, names = _compile(node[1])
        part = node[2]
        return (lambda ctx, q: lookup({"v": inner(ctx, q)}, ("v", part))), names
    if tag == "neg":
        inner, names = _compile(node[1])
        return (lambda ctx, q: _arith("-", 0, inner(ctx, q))), names
    if tag == "bin":
        op = node[1]
        left, n1 = _compile(node[2])
        right, n2 = _compile(node[3])
        return (lambda ctx, q: _arith(op, left(ctx, q), right(ctx, q))), n1 | n2
    if tag == "cmp":
        op = node[1]
        left, n1 = _compile(node[2])
        right, n2 = _compile(node[3])
        if op == "=":
            return (lambda ctx, q: feel_equal(to_number(left(ctx, q)), to_number(right(ctx, q)))), n1 | n2
        if op == "!=":
            return (lambda ctx, q: not feel_equal(to_number(left(ctx, q)), to_number(right(ctx, q)))), n1 | n2
        return (lambda ctx, q: feel_compare(op, to_number(left(ctx, q)), to_number(right(ctx, q)))), n1 | n2
    if tag in ("and", "or"):
        left, n1 = _compile(node[1])
        right, n2 = _compile(node[2])
        if tag == "and":
            def conj(ctx, q):
                a = left(ctx, q)
                if a is False:
                    return False
                b = right(ctx, q)
                if b is False:
                    return False
                return True if (a is True and b is True) else None
            return conj, n1 | n2

        def disj(ctx, q):
            a = left(ctx, q)
            if a is True:
                return True
            b = right(ctx, q)
            if b is True:
                return True
            return False if (a is False and b is False) else None
        return disj, n1 | n2
    if tag == "if":
        cond, n1 = _compile(node[1])
        then, n2 = _compile(node[2])
        other, n3 = _compile(node[3])
        return (lambda ctx, q: then(ctx, q) if cond(ctx, q) is True else other(ctx, q)), n1 | n2 | n3
    if tag == "call":
        func = FUNCTIONS[node[1]]
        fname = node[1]
        compiled = [_compile(arg) for arg in node[2]]
        args = [c[0] for c in compiled]
        names = set().union(*(c[1] for c in compiled)) if compiled else set()

        def call(ctx, q):
            values = [a(ctx, q) for a in args]
            try:
                return _fit(func(*values))
            except (ValueError, TypeError, ArithmeticError) as exc:
                raise FeelEvalError(f"{fname}(): {exc}") from None
        return call, names
    raise FeelSyntaxError(f"unsupported expression {tag}")  # pragma: no cover
