"""A recursive-descent parser for the whole FEEL grammar of DMN 1.5 (chapter 10.3.1), producing tuples.

Names may contain spaces and the punctuation the standard allows (``Monthly Salary``, ``Date-Time``,
``string length``): words are joined into a name when the joined name is known in scope (the caller's
``names``, the built-in functions, parameters, loop variables, context keys); consecutive plain words
are joined into one name otherwise, as the grammar reads them.

Node shapes: ("lit", v) ("name", n) ("input",) ("path", e, n) ("filter", e, c) ("call", f, args, named)
("neg", e) ("arith", op, a, b) ("cmp", op, a, b) ("and", a, b) ("or", a, b) ("between", e, lo, hi)
("in", e, tests) ("instance", e, type) ("if", c, t, f) ("for", [(n, e, end)], body)
("quant", kind, [(n, e)], cond) ("list", items) ("context", [(k, e)]) ("range", lo_in, lo, hi, hi_in)
("fn", params, body) ("utest", op, e) — a positive unary test ``< e``, ``= e`` …
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal
from functools import lru_cache

from .errors import FeelSyntaxError, FeelTextTooLarge
from .lexer import Token, tokenize
from .values import DEC, parse_temporal

MAX_NESTING = 40      # parentheses, brackets, nested expressions
MAX_TREE_DEPTH = 100  # operations chained (a+b+c+... is as deep as it is long)

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_WORD = re.compile(r"[^\W\d]\w*")

TYPE_NAMES = ("days and time duration", "years and months duration", "date and time", "dayTimeDuration",
              "yearMonthDuration")


class _Names:
    """Multi-word names known in scope, looked up by their first word (over a shared base set)."""

    def __init__(self, names, base: "_Names | None" = None):
        self.by_first: dict[str, list[tuple[re.Pattern, str]]] = {}
        self.base = base
        for n in names:
            self.add(n)

    def get(self, word: str):
        own = self.by_first.get(word)
        if self.base is None:
            return own or ()
        shared = self.base.by_first.get(word)
        if own is None:
            return shared or ()
        if shared is None:
            return own
        return sorted(own + shared, key=lambda e: -len(e[1]))

    def add(self, name: str) -> None:
        if not isinstance(name, str) or _WORD.fullmatch(name):
            return
        m = _WORD.match(name)
        if not m:
            return
        entry = _entry(name)
        bucket = self.by_first.setdefault(m.group(), [])
        if any(e[1] == name for e in bucket):
            return
        bucket.append(entry)
        bucket.sort(key=lambda e: -len(e[1]))


@lru_cache(maxsize=4096)
def _entry(name: str) -> tuple[re.Pattern, str]:
    """The pattern that finds a multi-word name in a text (whitespace between its words may vary); made once."""
    parts = re.split(r"(\s+)", name.strip())
    pattern = "".join(r"\s+" if p.isspace() else re.escape(p) for p in parts)
    return re.compile(pattern + r"(?![\w])"), name


_SHARED: dict[tuple, _Names] = {}


def _shared_names(names: tuple) -> _Names:
    found = _SHARED.get(names)
    if found is None:
        found = _SHARED[names] = _Names(names)
    return found


class Parser:
    def __init__(self, text: str, names=(), builtin_names=()):
        self.text = text
        self.tokens: list[Token] = tokenize(text)
        self.ends = [t.end for t in self.tokens]
        self.i = 0
        self.depth = 0
        self._filters: list[bool] = []
        self.no_filter = False     # while reading a range's end: "[1..10[" closes, it does not filter
        self.names = _Names(names or (), _shared_names(tuple(builtin_names)))

    # ------------------------------------------------------------------ token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def at(self, kind: str, text: str | None = None) -> bool:
        t = self.tokens[self.i]
        return t.kind == kind and (text is None or t.text == text)

    def at_op(self, *ops: str) -> bool:
        t = self.tokens[self.i]
        return t.kind == "op" and t.text in ops

    def at_kw(self, *words: str) -> bool:
        t = self.tokens[self.i]
        return t.kind == "keyword" and t.text in words

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def fail(self, what: str):
        t = self.tok
        got = repr(t.text) if t.kind != "end" else "the end of the text"
        if t.kind == "string":
            got = "a string"
        raise FeelSyntaxError(f"expected {what} at position {t.pos}, found {got}", t.pos)

    def expect_op(self, op: str) -> Token:
        if not self.at_op(op):
            self.fail(repr(op))
        return self.take()

    def expect_kw(self, word: str) -> Token:
        if not self.at_kw(word):
            self.fail(repr(word))
        return self.take()

    def enter(self, reset: bool = True):
        self.depth += 1
        self._filters.append(self.no_filter)
        if reset:
            self.no_filter = False
        if self.depth > MAX_NESTING:
            raise FeelTextTooLarge(f"the expression is nested more than {MAX_NESTING} levels deep", self.tok.pos)

    def leave(self):
        self.depth -= 1
        self.no_filter = self._filters.pop()

    # ------------------------------------------------------------------ names
    def _known_name(self) -> str | None:
        t = self.tok
        if t.kind not in ("name", "keyword"):
            return None
        for pattern, name in self.names.get(t.text):
            m = pattern.match(self.text, t.pos)
            if not m:
                continue
            j = bisect.bisect_left(self.ends, m.end(), lo=self.i)
            if j < len(self.tokens) and self.tokens[j].end == m.end():
                self.i = j + 1
                return name
        return None

    def _is_instance_of(self) -> bool:
        t = self.tok
        return t.kind == "name" and t.text == "instance" and self.peek().kind == "name" and self.peek().text == "of"

    def name(self, what: str = "a name") -> str:
        known = self._known_name()
        if known is not None:
            return known
        if not self.at("name"):
            self.fail(what)
        words = [self.take().text]
        while self.at("name") and not self._is_instance_of() and self._known_name_here() is None:
            words.append(self.take().text)
        return " ".join(words)

    def _known_name_here(self):
        save = self.i
        found = self._known_name()
        self.i = save
        return found

    def raw_name(self, stops: tuple[str, ...]) -> str:
        """A declared name (context key, parameter, loop variable): the text up to one of ``stops``."""
        if self.at("string"):
            return self.take().text
        known = self._known_name()
        if known is not None and (self.at_op(*stops) or self.at_kw(*stops)):
            return known
        start = self.tok
        if start.kind not in ("name", "keyword"):
            self.fail(what="a name")
        last = start
        while not (self.at_op(*stops) or self.at_kw(*stops) or self.at("end")):
            last = self.take()
        name = " ".join(self.text[start.pos:last.end].split())
        self.names.add(name)
        return name

    # ------------------------------------------------------------------ expressions
    def expression(self):
        self.enter(reset=False)
        try:
            if self.at_kw("if"):
                self.take()
                cond = self.expression()
                self.expect_kw("then")
                then = self.expression()
                self.expect_kw("else")
                return ("if", cond, then, self.expression())
            if self.at_kw("for"):
                return self._for()
            if self.at_kw("some", "every"):
                return self._quantified()
            return self.disjunction()
        finally:
            self.leave()

    def _for(self):
        self.take()
        loops = []
        while True:
            var = self.raw_name(("in",))
            self.expect_kw("in")
            start = self.expression()
            end = None
            if self.at_op(".."):
                self.take()
                end = self.expression()
            loops.append((var, start, end))
            if self.at_op(","):
                self.take()
                continue
            break
        self.expect_kw("return")
        self.names.add("partial")
        return ("for", loops, self.expression())

    def _quantified(self):
        which = self.take().text
        loops = []
        while True:
            var = self.raw_name(("in",))
            self.expect_kw("in")
            loops.append((var, self.expression()))
            if self.at_op(","):
                self.take()
                continue
            break
        self.expect_kw("satisfies")
        return ("quant", which, loops, self.expression())

    def disjunction(self):
        node = self.conjunction()
        while self.at_kw("or"):
            self.take()
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self):
        node = self.comparison()
        while self.at_kw("and"):
            self.take()
            node = ("and", node, self.comparison())
        return node

    def comparison(self):
        node = self.additive()
        while True:
            if self.at_op(*COMPARISONS):
                op = self.take().text
                node = ("cmp", op, node, self.additive())
            elif self.at_kw("between"):
                self.take()
                lo = self.additive()
                self.expect_kw("and")
                node = ("between", node, lo, self.additive())
            elif self.at_kw("in"):
                self.take()
                node = ("in", node, self._in_tests())
            elif self._is_instance_of():
                self.take()
                self.take()
                node = ("instance", node, self.type_spec())
            else:
                return node

    def _in_tests(self):
        if self.at_op("("):
            save = self.i
            try:
                self.take()
                tests = [self.positive_unary_test()]
                while self.at_op(","):
                    self.take()
                    tests.append(self.positive_unary_test())
                self.expect_op(")")
                return tests
            except FeelSyntaxError:
                self.i = save
        return [self.positive_unary_test()]

    def positive_unary_test(self):
        if self.at_op("<", "<=", ">", ">=", "=", "!="):
            op = self.take().text
            return ("utest", op, self.additive())
        return self.expression()

    def additive(self):
        node = self.multiplicative()
        while self.at_op("+", "-"):
            op = self.take().text
            node = ("arith", op, node, self.multiplicative())
        return node

    def multiplicative(self):
        node = self.exponent()
        while self.at_op("*", "/"):
            op = self.take().text
            node = ("arith", op, node, self.exponent())
        return node

    def exponent(self):
        node = self.unary()
        while self.at_op("**"):
            self.take()
            node = ("arith", "**", node, self.unary())
        return node

    def unary(self):
        if self.at_op("-"):
            self.take()
            self.enter(reset=False)
            try:
                operand = self.unary()
            finally:
                self.leave()
            if operand[0] == "lit" and operand[1].__class__ is Decimal:
                return ("lit", -operand[1])
            return ("neg", operand)
        return self.postfix()

    def postfix(self):
        node = self.primary()
        while True:
            if self.at_op("."):
                self.take()
                node = ("path", node, self.name("a name after '.'"))
            elif self.at_op("[") and not self.no_filter:
                self.take()
                self.enter()
                try:
                    cond = self.expression()
                finally:
                    self.leave()
                self.expect_op("]")
                node = ("filter", node, cond)
            elif self.at_op("("):
                node = self._call(node)
            else:
                return node

    def _call(self, fn):
        self.take()
        self.enter()
        try:
            args, named = [], None
            if not self.at_op(")"):
                while True:
                    key = self._named_arg()
                    if key is not None:
                        if args:
                            raise FeelSyntaxError(f"named and positional arguments are mixed at position "
                                                  f"{self.tok.pos}", self.tok.pos)
                        named = named or []
                        named.append((key, self.expression()))
                    else:
                        if named:
                            raise FeelSyntaxError(f"a positional argument follows named ones at position "
                                                  f"{self.tok.pos}", self.tok.pos)
                        args.append(self.expression())
                    if self.at_op(","):
                        self.take()
                        continue
                    break
            self.expect_op(")")
        finally:
            self.leave()
        return ("call", fn, args, named)

    def _named_arg(self) -> str | None:
        j = self.i
        while self.tokens[j].kind in ("name", "keyword"):
            j += 1
        if j == self.i or not (self.tokens[j].kind == "op" and self.tokens[j].text == ":"):
            return None
        first, last = self.tokens[self.i], self.tokens[j - 1]
        self.i = j + 1
        return " ".join(self.text[first.pos:last.end].split())

    def primary(self):
        t = self.tok
        k = t.kind
        if k == "number":
            self.take()
            return ("lit", DEC.create_decimal(t.text))
        if k == "string":
            self.take()
            return ("lit", t.text)
        if k == "at":
            self.take()
            if not self.at("string"):
                self.fail("a string after '@'")
            s = self.take()
            value = parse_temporal(s.text)
            if value is None:
                raise FeelSyntaxError(f"@{s.text!r} at position {t.pos} is not a date, time, date and time or "
                                      f"duration", t.pos)
            return ("lit", value)
        if k == "keyword":
            if t.text in ("true", "false", "null"):
                self.take()
                return ("lit", {"true": True, "false": False, "null": None}[t.text])
            if t.text in ("if", "for", "some", "every"):
                return self.expression()
            if t.text == "function":
                return self._function()
            known = self._known_name()
            if known is not None:
                return ("name", known)
            self.fail("a value")
        if k == "op":
            if t.text == "?":
                self.take()
                return ("input",)
            if t.text == "(":
                return self._paren()
            if t.text == "[":
                return self._bracket()
            if t.text == "]":
                self.take()
                return self._range_rest(False)
            if t.text == "{":
                return self._context()
            if t.text in ("<", "<=", ">", ">="):
                op = self.take().text
                return ("utest", op, self.additive())
        if k == "name":
            return ("name", self.name())
        self.fail("a value")

    def _paren(self):
        self.take()
        self.enter()
        try:
            if self.at_op("=", "!="):          # "(= 10)": the range holding 10 alone
                op = self.take().text
                first = ("utest", op, self.additive())
                self.expect_op(")")
                return first
            first = self.expression()
            if self.at_op(".."):
                self.take()
                return self._range_end(False, first)
            self.expect_op(")")
            return first
        finally:
            self.leave()

    def _bracket(self):
        self.take()
        self.enter()
        try:
            if self.at_op("]"):
                self.take()
                return ("list", [])
            first = self.expression()
            if self.at_op(".."):
                self.take()
                return self._range_end(True, first)
            items = [first]
            while self.at_op(","):
                self.take()
                items.append(self.expression())
            self.expect_op("]")
            return ("list", items)
        finally:
            self.leave()

    def _range_rest(self, lo_in: bool):
        lo = self.expression()
        self.expect_op("..")
        return self._range_end(lo_in, lo)

    def _range_end(self, lo_in: bool, lo):
        saved, self.no_filter = self.no_filter, True
        try:
            hi = self.expression()
        finally:
            self.no_filter = saved
        if not self.at_op("]", ")", "["):
            self.fail("']', ')' or '[' to close the range")
        closer = self.take().text
        return ("range", lo_in, lo, hi, closer == "]")

    def _context(self):
        self.take()
        self.enter()
        try:
            entries = []
            if not self.at_op("}"):
                while True:
                    key = self.raw_name((":",))
                    self.expect_op(":")
                    entries.append((key, self.expression()))
                    if self.at_op(","):
                        self.take()
                        continue
                    break
            self.expect_op("}")
            return ("context", entries)
        finally:
            self.leave()

    def _function(self):
        self.take()
        self.expect_op("(")
        params = []
        if not self.at_op(")"):
            while True:
                pname = self.raw_name((",", ")", ":"))
                if self.at_op(":"):
                    self.take()
                    self.type_spec()
                params.append(pname)
                if self.at_op(","):
                    self.take()
                    continue
                break
        self.expect_op(")")
        if self.at_kw("external"):
            self.take()
            self.expression()
            return ("lit", None)
        return ("fn", params, self.expression())

    # ------------------------------------------------------------------ types
    def type_spec(self):
        """A type after ``instance of`` or a parameter's ``:``: ("type", name, args) tuples."""
        t = self.tok
        for tn in TYPE_NAMES:
            if self.text.startswith(tn, t.pos):
                j = bisect.bisect_left(self.ends, t.pos + len(tn), lo=self.i)
                if j < len(self.tokens) and self.tokens[j].end == t.pos + len(tn):
                    self.i = j + 1
                    return ("type", tn, None)
        if self.at_kw("function"):
            self.take()
            args = []
            if self.at_op("<"):
                self.take()
                if not self.at_op(">"):
                    args.append(self.type_spec())
                    while self.at_op(","):
                        self.take()
                        args.append(self.type_spec())
                self.expect_op(">")
            self.expect_op("->")
            return ("type", "function", (args, self.type_spec()))
        if self.at_kw("null"):
            self.take()
            return ("type", "Null", None)
        if not self.at("name"):
            self.fail("a type name")
        name = self.take().text
        while self.at_op(".") and self.peek().kind == "name":
            self.take()
            name += "." + self.take().text
        if name in ("list", "range") and self.at_op("<"):
            self.take()
            inner = self.type_spec()
            self.expect_op(">")
            return ("type", name, inner)
        if name == "context" and self.at_op("<"):
            self.take()
            fields = []
            while True:
                key = self.raw_name((":",))
                self.expect_op(":")
                fields.append((key, self.type_spec()))
                if self.at_op(","):
                    self.take()
                    continue
                break
            self.expect_op(">")
            return ("type", "context", fields)
        return ("type", name, None)


def check_depth(root) -> None:
    stack = [(root, 1)]
    while stack:
        obj, depth = stack.pop()
        if isinstance(obj, tuple) and obj and isinstance(obj[0], str) and obj[0] in _TAGS:
            if depth > MAX_TREE_DEPTH:
                raise FeelTextTooLarge(f"the expression is more than {MAX_TREE_DEPTH} operations deep")
            stack.extend((part, depth + 1) for part in obj[1:])
        elif isinstance(obj, (list, tuple)):
            stack.extend((part, depth) for part in obj)


_TAGS = frozenset({"lit", "name", "input", "path", "filter", "call", "neg", "arith", "cmp", "and", "or",
                   "between", "in", "instance", "if", "for", "quant", "list", "context", "range", "fn", "utest"})
