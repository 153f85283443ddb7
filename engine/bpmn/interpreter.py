"""The expression language of the diagrams: our own tokenizer, parser and tree-walking evaluator.

Policy staff write a small Python-like language over plain values (numbers, strings, booleans, None,
dates, lists, dicts): names, literals, ``x["k"]``, ``x[1:4]``, ``x.get("k", d)`` and a few other
whitelisted methods, ``+ - * / // % **``, comparisons (``== != < <= > >= in not in is None``),
``and or not``, ``a if c else b``, calls of the helpers the engine lists. A script is lines of
``name = expression`` (or separated by ``;``).

No text ever reaches Python's eval, exec or compile (nor ast.parse). No Python object, attribute or frame
is reachable: there is no attribute access except the method whitelist, no name starting with ``_``, no
lambda, comprehension, import or statement other than an assignment. Every evaluation runs under a
Budget (steps, size of integers, strings, lists and values), so a bomb stops with BudgetExceeded.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

MAX_TEXT = 20_000          # characters of one expression or script
MAX_NESTING = 20           # brackets / unary operators nested in each other while parsing
MAX_TREE_DEPTH = 100       # depth of the parsed tree (a chain a+b+c+... is as deep as it is long)
MAX_STEPS = 100_000        # nodes evaluated (plus items walked) in one evaluation
MAX_INT_BITS = 1024        # size of an integer produced
MAX_STRING = 100_000       # characters of a string produced
MAX_ITEMS = 10_000         # items of a list / tuple / dict produced
MAX_WEIGHT = 200_000       # size of a value kept (items, nested, plus characters / 16)
MAX_HELPER_INT = 10_000    # a whole-number argument of a helper (days, months, workdays)


class ExpressionError(ValueError):
    """An expression that may not be written or may not run; ``str()`` is the reason."""


class ExpressionSyntaxError(ExpressionError, SyntaxError):
    """Text that is not in the language (a SyntaxError too, for callers that catch one)."""

    def __init__(self, message: str, pos: int | None = None):
        full = message if pos is None else f"{message} (at character {pos + 1})"
        super().__init__(full)
        self.msg, self.pos = full, pos


class UnsafeExpression(ExpressionError):
    """A construct the language refuses: attribute access, underscores, lambda, import, ..."""


class BudgetExceeded(ExpressionError):
    """The evaluation would take too long or build a value too large."""


# ---- tokens ---------------------------------------------------------------------------------

KEYWORDS = {"and", "or", "not", "in", "is", "if", "else", "None", "True", "False"}
REFUSED_KEYWORDS = {"lambda", "for", "while", "import", "from", "def", "class", "yield", "await", "async",
                    "global", "nonlocal", "del", "return", "with", "try", "except", "finally", "raise", "assert",
                    "pass", "break", "continue", "elif", "as"}
OPERATORS = ("**", "//", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", "{", "}",
             ",", ":", ".", "=", ";")
_NUMBER = re.compile(r"(\d[\d_]*)?(\.\d[\d_]*|\.)?([eE][+-]?\d+)?")
_NAME = re.compile(r"[^\W\d]\w*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0", "\n": ""}


@dataclass(frozen=True)
class Token:
    kind: str      # name, keyword, number, string, op, newline, end
    text: str
    pos: int
    value: Any = None


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_TEXT:
        raise BudgetExceeded(f"the text is {len(text)} characters long; at most {MAX_TEXT} are allowed")
    out, i, depth, n = [], 0, 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\f":
            i += 1
        elif c in "\r\n":
            if depth == 0:
                out.append(Token("newline", "\n", i))
            i += 1
        elif c == "#":
            while i < n and text[i] not in "\r\n":
                i += 1
        elif c in "'\"":
            value, end = _string(text, i)
            out.append(Token("string", text[i:end], i, value))
            i = end
        elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER.match(text, i)
            word = m.group(0)
            if i + len(word) < n and (text[i + len(word)].isalnum() or text[i + len(word)] == "_"):
                raise ExpressionSyntaxError(f"malformed number {text[i:i + len(word) + 1]!r}", i)
            out.append(Token("number", word, i, _number(word, i)))
            i += len(word)
        elif _NAME.match(text, i):
            word = _NAME.match(text, i).group(0)
            if word.startswith("_"):
                raise UnsafeExpression(f"names starting with '_' are not allowed ({word!r})")
            if word in REFUSED_KEYWORDS:
                raise UnsafeExpression(f"'{word}' is not part of the expression language")
            out.append(Token("keyword" if word in KEYWORDS else "name", word, i))
            i += len(word)
        else:
            op = next((o for o in OPERATORS if text.startswith(o, i)), None)
            if op is None:
                raise ExpressionSyntaxError(f"unexpected character {c!r}", i)
            if op in "([{":
                depth += 1
            elif op in ")]}":
                depth = max(0, depth - 1)
            out.append(Token("op", op, i))
            i += len(op)
    out.append(Token("end", "", n))
    return out


def _string(text: str, start: int) -> tuple[str, int]:
    quote, i, parts = text[start], start + 1, []
    while i < len(text):
        c = text[i]
        if c == quote:
            return "".join(parts), i + 1
        if c in "\r\n":
            break
        if c == "\\" and i + 1 < len(text):
            e = text[i + 1]
            if e in _ESCAPES:
                parts.append(_ESCAPES[e])
                i += 2
                continue
            if e in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[e]
                digits = text[i + 2:i + 2 + width]
                if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                    raise ExpressionSyntaxError("malformed \\" + e + " escape in a string", i)
                try:
                    parts.append(chr(int(digits, 16)))
                except ValueError:
                    raise ExpressionSyntaxError("escape out of range in a string", i) from None
                i += 2 + width
                continue
        parts.append(c)
        i += 1
    raise ExpressionSyntaxError("a string is not closed", start)


def _number(word: str, pos: int):
    clean = word.replace("_", "")
    if not clean or clean == ".":
        raise ExpressionSyntaxError(f"malformed number {word!r}", pos)
    if any(ch in clean for ch in ".eE"):
        return float(clean)
    if len(clean) > 400:
        raise BudgetExceeded(f"the number {word[:20]}... has more than 400 digits")
    value = int(clean)
    _fit(value)
    return value


# ---- parser ---------------------------------------------------------------------------------
# Nodes are tuples (kind, pos, ...): const, name, list, tuple, dict, neg, pos, not, bin, and, or, cmp, if,
# index, slice, call, method.

COMPARE = ("==", "!=", "<", "<=", ">", ">=")


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        self.nesting = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def at(self, kind: str, *texts: str) -> bool:
        t = self.tokens[self.i]
        return t.kind == kind and (not texts or t.text in texts)

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def expect(self, kind: str, text: str) -> Token:
        if not self.at(kind, text):
            raise self.unexpected(f"expected {text!r}")
        return self.take()

    def unexpected(self, what: str = "") -> ExpressionSyntaxError:
        t = self.tok
        found = "the end of the text" if t.kind == "end" else ("a line break" if t.kind == "newline" else repr(t.text))
        return ExpressionSyntaxError(f"{what + ', found ' if what else 'unexpected '}{found}", t.pos)

    def enter(self):
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise BudgetExceeded(f"the expression is nested more than {MAX_NESTING} levels deep")

    def leave(self):
        self.nesting -= 1

    # expression := or ['if' or 'else' expression]
    def expression(self):
        self.enter()
        node = self.disjunction()
        if self.at("keyword", "if"):
            pos = self.take().pos
            cond = self.disjunction()
            self.expect("keyword", "else")
            node = ("if", pos, cond, node, self.expression())
        self.leave()
        return node

    def disjunction(self):
        node = self.conjunction()
        while self.at("keyword", "or"):
            pos = self.take().pos
            node = ("or", pos, node, self.conjunction())
        return node

    def conjunction(self):
        node = self.negation()
        while self.at("keyword", "and"):
            pos = self.take().pos
            node = ("and", pos, node, self.negation())
        return node

    def negation(self):
        if self.at("keyword", "not"):
            pos = self.take().pos
            self.enter()
            node = ("not", pos, self.negation())
            self.leave()
            return node
        return self.comparison()

    def comparison(self):
        first = self.arith()
        rest = []
        while True:
            t = self.tok
            if t.kind == "op" and t.text in COMPARE:
                op = self.take().text
            elif self.at("keyword", "in"):
                self.take()
                op = "in"
            elif self.at("keyword", "not") and self.tokens[self.i + 1].kind == "keyword" \
                    and self.tokens[self.i + 1].text == "in":
                self.i += 2
                op = "not in"
            elif self.at("keyword", "is"):
                self.take()
                op = "is"
                if self.at("keyword", "not"):
                    self.take()
                    op = "is not"
                if not self.at("keyword", "None", "True", "False"):
                    raise self.unexpected("'is' compares only with None, True or False")
            else:
                break
            rest.append((op, self.arith()))
        return ("cmp", first[1], first, tuple(rest)) if rest else first

    def arith(self):
        node = self.term()
        while self.at("op", "+", "-"):
            t = self.take()
            node = ("bin", t.pos, t.text, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.at("op", "*", "/", "//", "%"):
            t = self.take()
            node = ("bin", t.pos, t.text, node, self.unary())
        return node

    def unary(self):
        if self.at("op", "-", "+"):
            t = self.take()
            self.enter()
            operand = self.unary()
            self.leave()
            if t.text == "-" and operand[0] == "const" and type(operand[2]) in (int, float):
                return ("const", t.pos, -operand[2])
            return ("neg" if t.text == "-" else "pos", t.pos, operand)
        return self.power()

    def power(self):
        node = self.postfix()
        if self.at("op", "**"):
            t = self.take()
            self.enter()
            node = ("bin", t.pos, "**", node, self.unary())
            self.leave()
        return node

    def postfix(self):
        node = self.atom()
        while True:
            if self.at("op", "("):
                if node[0] != "name":
                    raise self.unexpected("only a helper may be called, by its name")
                args, kwargs = self.arguments()
                node = ("call", node[1], node[2], args, kwargs)
            elif self.at("op", "["):
                pos = self.take().pos
                node = self.subscript(node, pos)
                self.expect("op", "]")
            elif self.at("op", "."):
                self.take()
                if not self.at("name"):
                    raise self.unexpected("expected a method name after '.'")
                name = self.take()
                if not self.at("op", "("):
                    raise UnsafeExpression(f"attribute access ('.{name.text}') is not allowed; "
                                           f"write x[\"{name.text}\"] to read a field")
                args, kwargs = self.arguments()
                node = ("method", name.pos, node, name.text, args, kwargs)
            else:
                return node

    def subscript(self, obj, pos):
        parts, current = [], None
        while True:
            if self.at("op", ":"):
                self.take()
                parts.append(current)
                current = None
                if len(parts) > 2:
                    raise self.unexpected("too many ':' in a slice")
            elif self.at("op", "]"):
                break
            else:
                if current is not None:
                    raise self.unexpected("expected ']'")
                current = self.expression()
        parts.append(current)
        if len(parts) == 1:
            if current is None:
                raise self.unexpected("expected an index")
            return ("index", pos, obj, current)
        parts += [None] * (3 - len(parts))
        return ("slice", pos, obj, *parts)

    def arguments(self):
        self.expect("op", "(")
        args, kwargs = [], []
        while not self.at("op", ")"):
            if self.at("name") and self.tokens[self.i + 1].kind == "op" and self.tokens[self.i + 1].text == "=":
                key = self.take().text
                self.take()
                if key in {k for k, _ in kwargs}:
                    raise self.unexpected(f"the keyword argument {key!r} is given twice")
                kwargs.append((key, self.expression()))
            else:
                if kwargs:
                    raise self.unexpected("a positional argument after keyword arguments")
                if self.at("op", "*", "**"):
                    raise UnsafeExpression("argument unpacking (* and **) is not allowed")
                args.append(self.expression())
            if not self.at("op", ","):
                break
            self.take()
        self.expect("op", ")")
        return tuple(args), tuple(kwargs)

    def atom(self):
        t = self.tok
        if t.kind == "name":
            self.take()
            return ("name", t.pos, t.text)
        if t.kind == "number":
            self.take()
            return ("const", t.pos, t.value)
        if t.kind == "string":
            value = self.take().value
            while self.at("string"):  # "a" "b" is "ab", as in Python
                value += self.take().value
            return ("const", t.pos, value)
        if t.kind == "keyword" and t.text in ("None", "True", "False"):
            self.take()
            return ("const", t.pos, {"None": None, "True": True, "False": False}[t.text])
        if self.at("op", "("):
            self.take()
            if self.at("op", ")"):
                self.take()
                return ("tuple", t.pos, ())
            first = self.expression()
            if self.at("op", ")"):
                self.take()
                return first
            items = [first]
            while self.at("op", ","):
                self.take()
                if self.at("op", ")"):
                    break
                items.append(self.expression())
            self.expect("op", ")")
            return ("tuple", t.pos, tuple(items))
        if self.at("op", "["):
            self.take()
            return ("list", t.pos, tuple(self.items("]")))
        if self.at("op", "{"):
            self.take()
            pairs = []
            while not self.at("op", "}"):
                key = self.expression()
                if not self.at("op", ":"):
                    raise self.unexpected("sets are not supported; expected ':' of a dict entry")
                self.take()
                pairs.append((key, self.expression()))
                if not self.at("op", ","):
                    break
                self.take()
            self.expect("op", "}")
            return ("dict", t.pos, tuple(pairs))
        raise self.unexpected()

    def items(self, close: str) -> list:
        items = []
        while not self.at("op", close):
            items.append(self.expression())
            if not self.at("op", ","):
                break
            self.take()
        self.expect("op", close)
        return items


def unwrap(expression: str) -> str:
    text = (expression or "").strip()
    if (text.startswith("${") or text.startswith("#{")) and text.endswith("}"):
        text = text[2:-1].strip()
    return text


@functools.lru_cache(maxsize=2048)
def parse_expression(text: str) -> tuple:
    """The tree of one expression (``${...}`` accepted); ExpressionError when it may not be written."""
    p = _Parser(unwrap(text))
    while p.at("newline"):
        p.take()
    if p.at("end"):
        raise ExpressionSyntaxError("the expression is empty")
    node = p.expression()
    while p.at("newline"):
        p.take()
    if p.at("op", "="):
        raise p.unexpected("an expression cannot assign")
    if not p.at("end"):
        raise p.unexpected("expected the end of the expression")
    _check_depth(node)
    return node


@functools.lru_cache(maxsize=512)
def parse_script(text: str) -> tuple:
    """The statements of a script: ((name, expression tree), ...), one ``name = expression`` per line or ``;``."""
    p = _Parser(text or "")
    statements = []
    while not p.at("end"):
        if p.at("newline") or p.at("op", ";"):
            p.take()
            continue
        if not (p.at("name") and p.tokens[p.i + 1].kind == "op" and p.tokens[p.i + 1].text == "="):
            t = p.tok
            raise ExpressionSyntaxError(
                "a script is lines of 'name = expression'; this line is not an assignment", t.pos)
        name = p.take()
        if name.text in FUNCTION_NAMES:
            raise UnsafeExpression(f"'{name.text}' is the name of a helper; choose another variable name")
        p.take()
        node = p.expression()
        _check_depth(node)
        statements.append((name.text, node))
        if not (p.at("newline") or p.at("op", ";") or p.at("end")):
            raise p.unexpected("expected the end of the line")
    return tuple(statements)


def _children(node) -> list:
    kind = node[0]
    if kind in ("const", "name"):
        return []
    if kind in ("list", "tuple"):
        return list(node[2])
    if kind == "dict":
        return [x for pair in node[2] for x in pair]
    if kind in ("neg", "pos", "not"):
        return [node[2]]
    if kind == "bin":
        return [node[3], node[4]]
    if kind in ("and", "or"):
        return [node[2], node[3]]
    if kind == "cmp":
        return [node[2]] + [e for _, e in node[3]]
    if kind == "if":
        return [node[2], node[3], node[4]]
    if kind == "index":
        return [node[2], node[3]]
    if kind == "slice":
        return [x for x in node[2:] if x is not None]
    if kind == "call":
        return list(node[3]) + [e for _, e in node[4]]
    if kind == "method":
        return [node[2]] + list(node[4]) + [e for _, e in node[5]]
    raise AssertionError(kind)


def _check_depth(root) -> None:
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise BudgetExceeded(f"the expression is more than {MAX_TREE_DEPTH} operations deep")
        stack.extend((c, depth + 1) for c in _children(node))


def names_used(node) -> set[str]:
    out, stack = set(), [node]
    while stack:
        n = stack.pop()
        if n[0] == "name":
            out.add(n[2])
        stack.extend(_children(n))
    return out


# ---- values and the budget ------------------------------------------------------------------

NUMBERS = (int, float, Decimal)  # bool is an int
SCALARS = (type(None), bool, int, float, Decimal, str, date)
CONTAINERS = (list, tuple, dict)


def _type_name(v) -> str:
    for t, name in ((type(None), "None"), (bool, "boolean"), (int, "number"), (float, "number"),
                    (Decimal, "number"), (str, "string"), (date, "date"), (list, "list"), (tuple, "tuple"),
                    (dict, "dict")):
        if isinstance(v, t):
            return name
    return "value of an unsupported type"


class Budget:
    def __init__(self, steps: int = MAX_STEPS):
        self.left = steps

    def charge(self, n: int = 1) -> None:
        self.left -= n
        if self.left < 0:
            raise BudgetExceeded(f"the evaluation took more than {MAX_STEPS} steps")


def _fit(v):
    """``v`` when it is within the size limits for a value produced by an expression."""
    if isinstance(v, int) and not isinstance(v, bool):
        if v.bit_length() > MAX_INT_BITS:
            raise BudgetExceeded(f"a number would be larger than {MAX_INT_BITS} bits")
    elif isinstance(v, str):
        if len(v) > MAX_STRING:
            raise BudgetExceeded(f"a string would be longer than {MAX_STRING} characters")
    elif isinstance(v, CONTAINERS):
        if len(v) > MAX_ITEMS:
            raise BudgetExceeded(f"a list or dict would have more than {MAX_ITEMS} items")
    return v


def check_weight(value, what: str = "the value", budget: Budget | None = None) -> None:
    """Refuse a value too large to keep in the case (nested containers counted with every repetition);
    the items walked are charged to ``budget``."""
    weight, stack = 0, [(value, 0)]
    while stack:
        v, depth = stack.pop()
        weight += 1
        if budget is not None:
            budget.charge()
        if depth > 64:
            raise BudgetExceeded(f"{what} is nested more than 64 levels deep")
        if isinstance(v, str):
            weight += len(v) // 16
        elif isinstance(v, dict):
            stack.extend((x, depth + 1) for x in v.values())
            weight += len(v)
        elif isinstance(v, (list, tuple)):
            stack.extend((x, depth + 1) for x in v)
        if weight > MAX_WEIGHT:
            raise BudgetExceeded(f"{what} is too large to keep in the case")


# ---- evaluation -----------------------------------------------------------------------------

class Context:
    """What one evaluation may see: variables (a read-only mapping) and callable helpers."""

    def __init__(self, variables: dict, functions: dict[str, Callable], budget: Budget | None = None):
        self.variables, self.functions = variables, functions
        self.budget = budget or Budget()


_MISSING = object()


def evaluate(node, ctx: Context):
    ctx.budget.charge()
    kind = node[0]
    if kind == "const":
        return node[2]
    if kind == "name":
        value = ctx.variables.get(node[2], _MISSING)
        if value is _MISSING:
            if node[2] in ctx.functions:
                raise TypeError(f"'{node[2]}' is a helper; call it as {node[2]}(...)")
            raise NameError(f"name '{node[2]}' is not defined")
        return value
    if kind == "list" or kind == "tuple":
        items = [evaluate(x, ctx) for x in node[2]]
        return _fit(items if kind == "list" else tuple(items))
    if kind == "dict":
        out = {}
        for k, v in node[2]:
            out[_key(evaluate(k, ctx))] = evaluate(v, ctx)
        return _fit(out)
    if kind == "not":
        return not _truth(evaluate(node[2], ctx))
    if kind == "neg" or kind == "pos":
        v = evaluate(node[2], ctx)
        if not isinstance(v, NUMBERS):
            raise TypeError(f"cannot negate a {_type_name(v)}")
        return _fit(-v if kind == "neg" else +v)
    if kind == "and":
        left = evaluate(node[2], ctx)
        return evaluate(node[3], ctx) if _truth(left) else left
    if kind == "or":
        left = evaluate(node[2], ctx)
        return left if _truth(left) else evaluate(node[3], ctx)
    if kind == "if":
        return evaluate(node[3], ctx) if _truth(evaluate(node[2], ctx)) else evaluate(node[4], ctx)
    if kind == "bin":
        return _binary(node[2], evaluate(node[3], ctx), evaluate(node[4], ctx), ctx.budget)
    if kind == "cmp":
        left = evaluate(node[2], ctx)
        for op, expr in node[3]:
            right = evaluate(expr, ctx)
            if not _compare(op, left, right, ctx.budget):
                return False
            left = right
        return True
    if kind == "index":
        return _index(evaluate(node[2], ctx), evaluate(node[3], ctx))
    if kind == "slice":
        obj = evaluate(node[2], ctx)
        bounds = [None if x is None else evaluate(x, ctx) for x in node[3:]]
        return _slice(obj, *bounds, budget=ctx.budget)
    if kind == "call":
        return _call(node[2], [evaluate(a, ctx) for a in node[3]], {k: evaluate(v, ctx) for k, v in node[4]}, ctx)
    if kind == "method":
        obj = evaluate(node[2], ctx)
        args = [evaluate(a, ctx) for a in node[4]]
        kwargs = {k: evaluate(v, ctx) for k, v in node[5]}
        return _method(obj, node[3], args, kwargs, ctx.budget)
    raise AssertionError(kind)


def _truth(v) -> bool:
    if isinstance(v, SCALARS + CONTAINERS):
        return bool(v)
    raise TypeError(f"a {_type_name(v)} is neither true nor false")


def _key(v):
    if isinstance(v, (type(None), bool, int, float, Decimal, str, date)):
        return v
    raise TypeError(f"a {_type_name(v)} cannot be a dict key")


def _int_arg(v, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{what} must be a whole number, not a {_type_name(v)}")
    return v


def _binary(op: str, a, b, budget: Budget):
    na, nb = isinstance(a, NUMBERS), isinstance(b, NUMBERS)
    try:
        if op == "+":
            if na and nb:
                return _fit(a + b)
            if isinstance(a, str) and isinstance(b, str):
                if len(a) + len(b) > MAX_STRING:
                    raise BudgetExceeded(f"a string would be longer than {MAX_STRING} characters")
                return a + b
            if (isinstance(a, list) and isinstance(b, list)) or (isinstance(a, tuple) and isinstance(b, tuple)):
                if len(a) + len(b) > MAX_ITEMS:
                    raise BudgetExceeded(f"a list would have more than {MAX_ITEMS} items")
                budget.charge(len(a) + len(b))
                return a + b
        elif op == "*":
            if na and nb:
                if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
                    raise BudgetExceeded(f"a number would be larger than {MAX_INT_BITS} bits")
                return _fit(a * b)
            if isinstance(a, int) and isinstance(b, str):
                a, b = b, a
            if isinstance(a, str) and isinstance(b, int) and not isinstance(b, bool):
                if len(a) * max(b, 0) > MAX_STRING:
                    raise BudgetExceeded(f"a string would be longer than {MAX_STRING} characters")
                budget.charge(max(b, 0) * len(a) // 64)
                return a * b
            if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
                raise UnsafeExpression("repeating a list with * is not supported")
        elif op == "**":
            if na and nb:
                if isinstance(b, int) and not isinstance(b, bool) and abs(b) > MAX_INT_BITS:
                    if not (isinstance(a, (int, float, Decimal)) and a in (0, 1, -1)):
                        raise BudgetExceeded(f"an exponent may be at most {MAX_INT_BITS}, not {b}")
                if isinstance(a, int) and isinstance(b, int) and b > 0 and \
                        (abs(a).bit_length() - 1) * b > MAX_INT_BITS:
                    raise BudgetExceeded(f"a number would be larger than {MAX_INT_BITS} bits")
                if isinstance(b, (float, Decimal)) and abs(b) > MAX_INT_BITS:
                    raise BudgetExceeded(f"an exponent may be at most {MAX_INT_BITS}")
                result = a ** b
                if isinstance(result, complex):
                    raise ValueError(f"{a} ** {b} is not a real number")
                return _fit(result)
        elif na and nb and op in ("-", "/", "//", "%"):
            if op == "-":
                return _fit(a - b)
            if op == "/":
                return _fit(a / b)
            if op == "//":
                return _fit(a // b)
            return _fit(a % b)
        elif op == "%" and isinstance(a, str):
            raise UnsafeExpression("formatting strings with % is not supported; use + to join strings")
    except OverflowError:
        raise BudgetExceeded("a number would be too large") from None
    except InvalidOperation as exc:
        raise ValueError(f"invalid arithmetic: {exc}") from None
    raise TypeError(f"unsupported operand types for {op}: {_type_name(a)} and {_type_name(b)}")


def _equal(a, b, budget: Budget, depth: int = 0) -> bool:
    budget.charge()
    if depth > 64:
        raise BudgetExceeded("values nested more than 64 levels deep cannot be compared")
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        if not (isinstance(a, list) and isinstance(b, list) or isinstance(a, tuple) and isinstance(b, tuple)):
            return False
        return len(a) == len(b) and all(_equal(x, y, budget, depth + 1) for x, y in zip(a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or len(a) != len(b):
            return False
        budget.charge(len(a))
        return a.keys() == b.keys() and all(_equal(a[k], b[k], budget, depth + 1) for k in a)
    if isinstance(a, SCALARS) and isinstance(b, SCALARS):
        return a == b
    raise TypeError(f"cannot compare a {_type_name(a)} with a {_type_name(b)}")


def _ordered(a, b) -> bool:
    if isinstance(a, NUMBERS) and isinstance(b, NUMBERS):
        return True
    if isinstance(a, str) and isinstance(b, str):
        return True
    return isinstance(a, date) and isinstance(b, date) and (type(a) is type(b))


def _compare(op: str, a, b, budget: Budget) -> bool:
    if op == "==":
        return _equal(a, b, budget)
    if op == "!=":
        return not _equal(a, b, budget)
    if op in ("is", "is not"):
        return (a is b) == (op == "is")
    if op in ("in", "not in"):
        return _contains(b, a, budget) == (op == "in")
    if not _ordered(a, b):
        raise TypeError(f"'{op}' cannot compare a {_type_name(a)} with a {_type_name(b)}")
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _contains(container, item, budget: Budget) -> bool:
    if isinstance(container, str):
        if not isinstance(item, str):
            raise TypeError(f"'in <string>' needs a string on the left, not a {_type_name(item)}")
        budget.charge(len(container) // 64)
        return item in container
    if isinstance(container, (list, tuple)):
        return any(_equal(item, x, budget) for x in container)
    if isinstance(container, dict):
        return _key(item) in container
    raise TypeError(f"'in' needs a string, list or dict on the right, not a {_type_name(container)}")


def _index(obj, key):
    if isinstance(obj, dict):
        return obj[_key(key)]
    if isinstance(obj, (list, tuple, str)):
        return obj[_int_arg(key, "an index")]
    raise TypeError(f"a {_type_name(obj)} cannot be indexed")


def _slice(obj, lo, hi, step, budget: Budget):
    if not isinstance(obj, (list, tuple, str)):
        raise TypeError(f"a {_type_name(obj)} cannot be sliced")
    for v in (lo, hi, step):
        if v is not None:
            _int_arg(v, "a slice bound")
    if step == 0:
        raise ValueError("a slice step cannot be zero")
    out = obj[lo:hi:step]
    budget.charge(len(out) // 64)
    return out


# ---- helpers and methods ----------------------------------------------------------------------

def _scalar_list(v, what: str) -> list:
    if isinstance(v, dict):
        v = list(v)
    if not isinstance(v, (list, tuple)):
        raise TypeError(f"{what} needs a list, not a {_type_name(v)}")
    return list(v)


def _min_max(fn):
    def run(*args, budget):
        items = _scalar_list(args[0], fn.__name__ + "()") if len(args) == 1 else list(args)
        if not items:
            raise ValueError(f"{fn.__name__}() of an empty list")
        budget.charge(len(items))
        for x in items[1:]:
            if not _ordered(items[0], x):
                raise TypeError(f"{fn.__name__}() cannot compare a {_type_name(items[0])} with a {_type_name(x)}")
        return fn(items)
    return run


def _sorted(items, reverse=False, *, budget):
    items = _scalar_list(items, "sorted()")
    budget.charge(len(items) * max(1, len(items).bit_length()))
    for x in items[1:]:
        if not _ordered(items[0], x):
            raise TypeError(f"sorted() cannot compare a {_type_name(items[0])} with a {_type_name(x)}")
    return sorted(items, reverse=bool(reverse))


def _sum(items, *, budget):
    items = _scalar_list(items, "sum()")
    budget.charge(len(items))
    total = 0
    for x in items:
        total = _binary("+", total, x, budget)
    return total


def _int(v, *, budget):
    if isinstance(v, str) and len(v.strip()) > 400:
        raise BudgetExceeded("int() of a string longer than 400 characters")
    if not isinstance(v, (str, int, float, Decimal)):
        raise TypeError(f"int() of a {_type_name(v)}")
    return _fit(int(v))


def _float(v, *, budget):
    if isinstance(v, str) and len(v) > 400:
        raise BudgetExceeded("float() of a string longer than 400 characters")
    if not isinstance(v, (str, int, float, Decimal)):
        raise TypeError(f"float() of a {_type_name(v)}")
    try:
        return float(v)
    except OverflowError:
        raise BudgetExceeded("a number would be too large") from None


def _str(v="", *, budget):
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, SCALARS):
        return str(v)
    raise TypeError(f"str() of a {_type_name(v)} is not supported")


def _round(v, ndigits=None, *, budget):
    if not isinstance(v, NUMBERS):
        raise TypeError(f"round() of a {_type_name(v)}")
    if ndigits is None:
        return round(v)
    if abs(_int_arg(ndigits, "round()'s digits")) > 30:
        raise BudgetExceeded("round() to more than 30 digits")
    return round(v, ndigits)


def _abs(v, *, budget):
    if not isinstance(v, NUMBERS):
        raise TypeError(f"abs() of a {_type_name(v)}")
    return abs(v)


def _len(v, *, budget):
    if not isinstance(v, (str, list, tuple, dict)):
        raise TypeError(f"len() of a {_type_name(v)}")
    return len(v)


def _bool(v=False, *, budget):
    return _truth(v)


def _copy(kind):
    def run(v=(), *, budget):
        if isinstance(v, str):
            v = list(v)
        items = _scalar_list(v, f"{kind.__name__}()")
        budget.charge(len(items))
        return _fit(kind(items))
    return run


def _dict(v=None, *, budget, **kwargs):
    out = {}
    if v is not None:
        if not isinstance(v, dict):
            raise TypeError(f"dict() of a {_type_name(v)}")
        out.update(v)
    out.update(kwargs)
    budget.charge(len(out))
    return _fit(out)


def _any_all(fn):
    def run(v, *, budget):
        items = _scalar_list(v, f"{fn.__name__}()")
        budget.charge(len(items))
        return fn(_truth(x) for x in items)
    return run


BUILTINS: dict[str, Callable] = {
    "abs": _abs, "all": _any_all(all), "any": _any_all(any), "bool": _bool, "dict": _dict, "float": _float,
    "int": _int, "len": _len, "list": _copy(list), "max": _min_max(max), "min": _min_max(min), "round": _round,
    "sorted": _sorted, "str": _str, "sum": _sum, "tuple": _copy(tuple),
}
"""Pure functions every expression may call (they take the budget)."""

HELPER_NAMES = {"add_months", "add_days", "age_in_months", "month_start", "today", "now", "at", "quarter_of",
                "next_quarter", "previous_month", "roll", "workday", "add_workdays", "deadline", "months_before",
                "decide"}
FUNCTION_NAMES = frozenset(BUILTINS) | HELPER_NAMES


def _call(name: str, args: list, kwargs: dict, ctx: Context):
    builtin = BUILTINS.get(name)
    if builtin is not None:
        try:
            return _fit(builtin(*args, **kwargs, budget=ctx.budget))
        except TypeError as exc:
            if "positional argument" in str(exc) or "keyword argument" in str(exc):
                raise TypeError(f"{name}() was called with the wrong arguments") from None
            raise
    fn = ctx.functions.get(name)
    if fn is None:
        raise NameError(f"'{name}' is not a helper expressions may call")
    for v in [*args, *kwargs.values()]:
        if isinstance(v, int) and not isinstance(v, bool) and name != "decide":  # decide's inputs are data
            if abs(v) > MAX_HELPER_INT:
                raise BudgetExceeded(f"{name}(): a whole-number argument must lie between "
                                     f"-{MAX_HELPER_INT} and {MAX_HELPER_INT}, not {v}")
            ctx.budget.charge(abs(v))
        elif not isinstance(v, SCALARS + CONTAINERS):
            raise TypeError(f"{name}(): a {_type_name(v)} cannot be passed to a helper")
    ctx.budget.charge(10)
    return _fit(fn(*args, **kwargs))


def _method(obj, name: str, args: list, kwargs: dict, budget: Budget):
    if isinstance(obj, dict):
        allowed = DICT_METHODS
    elif isinstance(obj, str):
        allowed = STR_METHODS
    else:
        allowed = {}
    fn = allowed.get(name)
    if fn is None:
        raise UnsafeExpression(f"a {_type_name(obj)} has no method '{name}' expressions may call"
                               + (f" (allowed: {', '.join(sorted(allowed))})" if allowed else ""))
    if kwargs:
        raise TypeError(f".{name}() takes no keyword arguments")
    budget.charge(1 + (len(obj) // 64))
    return _fit(fn(obj, *args))


def _str_args(name: str, *args):
    for a in args:
        if not isinstance(a, str) and not (name in ("startswith", "endswith") and isinstance(a, tuple)
                                           and all(isinstance(x, str) for x in a)):
            raise TypeError(f".{name}() needs string arguments, not a {_type_name(a)}")


def _s(name: str, max_args: int):
    def run(s, *args):
        if len(args) > max_args:
            raise TypeError(f".{name}() takes at most {max_args} argument(s)")
        _str_args(name, *args)
        result = getattr(str, name)(s, *args)
        return str(result) if isinstance(result, str) else result
    return run


def _split(s, sep=None, maxsplit=-1):
    if sep is not None:
        _str_args("split", sep)
    _int_arg(maxsplit, ".split()'s maxsplit")
    return _fit(s.split(sep, maxsplit))


def _replace(s, old, new, count=-1):
    _str_args("replace", old, new)
    _int_arg(count, ".replace()'s count")
    n = (len(s) + 1 if old == "" else s.count(old))
    if count >= 0:
        n = min(n, count)
    if len(s) + n * (len(new) - len(old)) > MAX_STRING:
        raise BudgetExceeded(f"a string would be longer than {MAX_STRING} characters")
    return str.replace(s, old, new, count)


def _join(sep, items):
    items = _scalar_list(items, ".join()")
    if not all(isinstance(x, str) for x in items):
        raise TypeError(".join() needs a list of strings")
    if sum(len(x) for x in items) + len(sep) * max(len(items) - 1, 0) > MAX_STRING:
        raise BudgetExceeded(f"a string would be longer than {MAX_STRING} characters")
    return sep.join(items)


def _get(d, key, default=None):
    return d.get(_key(key), default)


STR_METHODS = {
    **{m: _s(m, 0) for m in ("upper", "lower", "isdigit")},
    **{m: _s(m, 1) for m in ("strip", "lstrip", "rstrip", "startswith", "endswith")},
    "split": _split, "replace": _replace, "join": _join,
}
DICT_METHODS = {
    "get": _get,
    "keys": lambda d: list(d.keys()),
    "values": lambda d: list(d.values()),
    "items": lambda d: [(k, v) for k, v in d.items()],
}


# ---- the entry points ---------------------------------------------------------------------------

def evaluate_expression(text: str, variables: dict, functions: dict[str, Callable]):
    """The value of an expression over ``variables`` (task data), with the given helpers."""
    ctx = Context(variables, functions)
    value = evaluate(parse_expression(text), ctx)
    check_weight(value, "the result", ctx.budget)
    return value


def run_script(text: str, variables: dict, functions: dict[str, Callable]) -> dict:
    """Run a script's assignments in order over ``variables``, which are updated in place; return it."""
    budget = Budget()
    for name, node in parse_script(text):
        value = evaluate(node, Context(variables, functions, budget))
        check_weight(value, f"the value of '{name}'", budget)
        variables[name] = value
    return variables


class _Unknown(Exception):
    pass


def _constant(node, known: dict) -> bool:
    """True when the tree can be worked out at deploy: only literals, known names and pure builtins."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n[0] == "name" and n[2] not in known:
            return False
        if n[0] == "call" and n[2] not in BUILTINS:
            return False
        stack.extend(_children(n))
    return True


def _refused(root) -> None:
    """Refuse at deploy what could only fail at run time: unknown helpers, methods, string formatting."""
    stack = [root]
    while stack:
        n = stack.pop()
        if n[0] == "call" and n[2] not in FUNCTION_NAMES:
            raise UnsafeExpression(f"'{n[2]}' is not a helper expressions may call "
                                   f"(helpers: {', '.join(sorted(FUNCTION_NAMES))})")
        if n[0] == "method" and n[3] not in STR_METHODS and n[3] not in DICT_METHODS:
            raise UnsafeExpression(f"'.{n[3]}()' is not a method expressions may call (allowed: "
                                   f"{', '.join(sorted({*STR_METHODS, *DICT_METHODS}))})")
        if n[0] == "bin" and n[2] == "%" and n[3][0] == "const" and isinstance(n[3][2], str):
            raise UnsafeExpression("formatting strings with % is not supported; use + to join strings")
        stack.extend(_children(n))


def _static(node, known: dict) -> None:
    """Evaluate every largest constant part of a tree, so a constant bomb is refused at deploy."""
    if _constant(node, known):
        if node[0] != "const":
            try:
                evaluate(node, Context(known, {}))
            except (BudgetExceeded, UnsafeExpression):
                raise
            except Exception:  # a constant that fails (1/0) fails at run time too, only when reached
                pass
        return
    for child in _children(node):
        _static(child, known)


def check_expression(text: str) -> None:
    """Raise ExpressionError (syntax, refused construct, constant bomb) when an expression may not run."""
    node = parse_expression(text)
    _refused(node)
    _static(node, {})


def check_script(text: str) -> None:
    """Raise ExpressionError when a script may not run; constants are followed from line to line."""
    known: dict = {}
    for name, node in parse_script(text):
        _refused(node)
        if _constant(node, known):
            try:
                value = evaluate(node, Context(known, {}))
                check_weight(value, f"the value of '{name}'")
                known[name] = value
                continue
            except (BudgetExceeded, UnsafeExpression):
                raise
            except Exception:
                pass
        else:
            _static(node, known)
        known.pop(name, None)
