"""Compile parsed FEEL into Python closures ``fn(env) -> value``.

Nothing reaches eval/exec/compile. A failed operation yields null and a warning (``State.warn``); only
budget overruns raise (FeelBudgetError): loop iterations, evaluation steps, call depth, sizes."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Mapping

from . import arith
from .errors import FeelBudgetError, FeelFailure
from .properties import get_property
from .types import is_instance
from .values import (
    DEC, UNBOUNDED, FeelFunction, Range, compare, equal, fit_list, format_value, kind,
)

MAX_STEPS = 200_000      # loop iterations, filter items and function calls of one evaluation
MAX_CALL_DEPTH = 50      # user-defined functions calling each other
MAX_WARNINGS = 50
FOLDABLE = frozenset({"date", "time", "date and time", "duration", "years and months duration", "number"})
_FAILURES = (TypeError, ValueError, ArithmeticError, KeyError, IndexError, AttributeError, OverflowError,
             FeelFailure)


class State:
    __slots__ = ("warnings", "steps", "depth")

    def __init__(self, warnings: list | None):
        self.warnings = warnings
        self.steps = 0
        self.depth = 0

    def warn(self, message: str) -> None:
        if self.warnings is not None and len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > MAX_STEPS:
            raise FeelBudgetError(f"the evaluation took more than {MAX_STEPS} steps")


class Env:
    __slots__ = ("vars", "parent", "state", "input")

    def __init__(self, vars: Mapping, parent: "Env | None", state: State, input: Any = None):
        self.vars = vars
        self.parent = parent
        self.state = state
        self.input = input

    def child(self, vars: Mapping) -> "Env":
        return Env(vars, self, self.state, self.input)


_MISSING = object()


_BUILTINS: dict = {}


def lookup(env: Env, name: str):
    e = env
    while e is not None:
        try:
            return e.vars[name]
        except KeyError:
            e = e.parent
    if not _BUILTINS:
        from .builtins import BUILTINS
        _BUILTINS.update(BUILTINS)
    fn = _BUILTINS.get(name)
    if fn is not None:
        return fn
    return _MISSING


def _const(value) -> Callable:
    def fn(env, _v=value):
        return _v
    fn.const = True
    fn.value = value
    return fn


def _is_const(fn) -> bool:
    return getattr(fn, "const", False)


class Compiler:
    def __init__(self, types=None):
        self.uses_input = False
        self.types = types

    def compile(self, node) -> Callable:
        return getattr(self, "c_" + node[0])(node)

    # -------------------------------------------------------------- leaves
    def c_lit(self, node):
        return _const(node[1])

    def c_input(self, node):
        self.uses_input = True
        return lambda env: env.input

    def c_name(self, node):
        name = node[1]
        if name == "?":
            return self.c_input(node)

        def fn(env):
            e = env
            while e is not None:
                try:
                    return e.vars[name]
                except KeyError:
                    e = e.parent
            value = lookup(env, name)
            if value is _MISSING:
                env.state.warn(f"no variable named '{name}'")
                return None
            return value
        return fn

    # -------------------------------------------------------------- operators
    def _fold(self, fn, parts):
        if all(_is_const(p) for p in parts):
            probe = State([])
            value = fn(Env({}, None, probe))
            if not probe.warnings:       # a failing constant stays live, so each evaluation warns
                return _const(value)
        return fn

    def c_neg(self, node):
        inner = self.compile(node[1])

        def fn(env):
            v = inner(env)
            if v is None:
                return None
            try:
                return arith.negate(v)
            except _FAILURES as exc:
                env.state.warn(str(exc))
                return None
        return self._fold(fn, [inner])

    def c_arith(self, node):
        op = arith.OPS[node[1]]
        sym = node[1]
        a, b = self.compile(node[2]), self.compile(node[3])

        def fn(env):
            x = a(env)
            y = b(env)
            if x is None or y is None:
                return None
            try:
                return op(x, y)
            except _FAILURES as exc:
                env.state.warn(str(exc) if str(exc) else f"{sym} failed")
                return None
        return self._fold(fn, [a, b])

    def c_cmp(self, node):
        op = node[1]
        a, b = self.compile(node[2]), self.compile(node[3])
        if op in ("=", "!="):
            negate = op == "!="

            def fn(env):
                x, y = a(env), b(env)
                r = equal(x, y)
                if r is None:
                    env.state.warn(f"cannot compare {_show(x)} {op} {_show(y)}")
                    return None
                return (not r) if negate else r
            return self._fold(fn, [a, b])
        test = {"<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0}[op]

        def fn(env):
            x, y = a(env), b(env)
            c = compare(x, y)
            if c is None:
                if x is not None and y is not None:
                    env.state.warn(f"cannot compare {_show(x)} {op} {_show(y)}")
                return None
            return test(c)
        return self._fold(fn, [a, b])

    def c_and(self, node):
        a, b = self.compile(node[1]), self.compile(node[2])

        def fn(env):
            x = a(env)
            if x is False:
                return False
            y = b(env)
            if y is False:
                return False
            return True if (x is True and y is True) else None
        return self._fold(fn, [a, b])

    def c_or(self, node):
        a, b = self.compile(node[1]), self.compile(node[2])

        def fn(env):
            x = a(env)
            if x is True:
                return True
            y = b(env)
            if y is True:
                return True
            return False if (x is False and y is False) else None
        return self._fold(fn, [a, b])

    def c_between(self, node):
        e, lo, hi = self.compile(node[1]), self.compile(node[2]), self.compile(node[3])

        def fn(env):
            v, a, b = e(env), lo(env), hi(env)
            c1, c2 = compare(a, v), compare(v, b)
            if c1 is None or c2 is None:
                return None
            return c1 <= 0 and c2 <= 0
        return self._fold(fn, [e, lo, hi])

    def c_in(self, node):
        e = self.compile(node[1])
        tests = [self.test(t) for t in node[2]]

        def fn(env):
            v = e(env)
            result = False
            for t in tests:
                r = t(v, env)
                if r is True:
                    return True
                if r is None:
                    result = None
            return result
        return fn

    def c_utest(self, node):
        # "< 10" as a value: the range it denotes
        op = node[1]
        e = self.compile(node[2])

        def fn(env):
            v = e(env)
            if op == "<":
                return Range(UNBOUNDED, v, False, False)
            if op == "<=":
                return Range(UNBOUNDED, v, False, True)
            if op == ">":
                return Range(v, UNBOUNDED, False, False)
            if op == ">=":
                return Range(v, UNBOUNDED, True, False)
            if op == "=":
                return Range(v, v, True, True)
            return None
        return self._fold(fn, [e])

    def c_instance(self, node):
        e = self.compile(node[1])
        t = node[2]
        types = self.types
        return lambda env: is_instance(e(env), t, types)

    def c_if(self, node):
        c, t, f = self.compile(node[1]), self.compile(node[2]), self.compile(node[3])

        def fn(env):
            return t(env) if c(env) is True else f(env)
        if _is_const(c):
            return t if c.value is True else f
        return fn

    # -------------------------------------------------------------- structures
    def c_list(self, node):
        items = [self.compile(n) for n in node[1]]

        def fn(env):
            return [i(env) for i in items]
        return fn

    def c_context(self, node):
        entries = [(k, self.compile(n)) for k, n in node[1]]

        def fn(env):
            out: dict = {}
            sub = env.child(out)
            for k, f in entries:
                if k in out:
                    env.state.warn(f"the context has two entries named '{k}'")
                    return None
                out[k] = f(sub)
            return out
        return fn

    def c_range(self, node):
        _, lo_in, lo, hi, hi_in = node
        a, b = self.compile(lo), self.compile(hi)

        def fn(env):
            x, y = a(env), b(env)
            if x is not None and y is not None:
                kx, ky = kind(x), kind(y)
                if kx != ky:
                    env.state.warn(f"range ends {_show(x)} and {_show(y)} are not of one kind")
                    return None
            return Range(x, y, lo_in, hi_in)
        return self._fold(fn, [a, b])

    def c_path(self, node):
        inner = self.compile(node[1])
        name = node[2]

        def fn(env):
            v = inner(env)
            return _path(v, name, env.state)
        return fn

    def c_filter(self, node):
        inner = self.compile(node[1])
        cond = self.compile(node[2])
        const_index = cond.value if _is_const(cond) and kind(cond.value) == "number" else None

        def fn(env):
            v = inner(env)
            if v is None:
                return None
            items = v if v.__class__ is list else [v]
            if const_index is not None:
                return _index(items, const_index, env.state)
            out = []
            state = env.state
            for pos, item in enumerate(items):
                state.step()
                scope = dict(item) if item.__class__ is dict else {}
                scope["item"] = item
                r = cond(env.child(scope))
                if r is True:
                    out.append(item)
                elif pos == 0 and kind(r) == "number":
                    return _index(items, r, state)
            return out
        return fn

    def c_for(self, node):
        loops = [(var, self.compile(a), self.compile(b) if b is not None else None) for var, a, b in node[1]]
        body = self.compile(node[2])

        def fn(env):
            state = env.state
            domains = []
            for var, a, b in loops:
                d = _domain(a(env), b(env) if b is not None else None, state)
                if d is None:
                    return None
                domains.append((var, d))
            results: list = []
            scope = {"partial": results}
            sub = env.child(scope)

            def run(level):
                var, d = domains[level]
                for x in d:
                    state.step()
                    scope[var] = x
                    if level + 1 < len(domains):
                        run(level + 1)
                    else:
                        results.append(body(sub))
                        fit_list(results)
            if domains:
                run(0)
            return list(results)
        return fn

    def c_quant(self, node):
        which = node[1]
        loops = [(var, self.compile(a)) for var, a in node[2]]
        cond = self.compile(node[3])

        def fn(env):
            state = env.state
            domains = []
            for var, a in loops:
                d = _domain(a(env), None, state)
                if d is None:
                    return None
                domains.append((var, d))
            names = [v for v, _ in domains]
            scope: dict = {}
            sub = env.child(scope)
            saw_null = False
            for combo in itertools.product(*(d for _, d in domains)):
                state.step()
                scope.update(zip(names, combo))
                r = cond(sub)
                if which == "some" and r is True:
                    return True
                if which == "every" and r is False:
                    return False
                if r is not True and r is not False:
                    saw_null = True
            if saw_null and which == "every":
                return False
            return which == "every"
        return fn

    def c_fn(self, node):
        params = list(node[1])
        body = self.compile(node[2])

        def fn(env):
            def call(args, named, state, _env=env):
                values = _bind(params, args, named)
                if values is None:
                    state.warn("the function was called with arguments it does not take")
                    return None
                state.step()
                state.depth += 1
                if state.depth > MAX_CALL_DEPTH:
                    raise FeelBudgetError(f"functions call each other more than {MAX_CALL_DEPTH} deep")
                try:
                    inner = Env(dict(zip(params, values)), _env, state, _env.input)
                    return body(inner)
                finally:
                    state.depth -= 1
            return FeelFunction("function", params, call)
        return fn

    def c_call(self, node):
        _, fexpr, arg_nodes, named_nodes = node
        if fexpr[0] == "name" and fexpr[1] == "is defined" and len(arg_nodes) == 1 and not named_nodes:
            return self._is_defined(arg_nodes[0])
        f = self.compile(fexpr)
        fname = fexpr[1] if fexpr[0] == "name" else "function"
        args = [self.compile(a) for a in arg_nodes]
        named = [(k, self.compile(a)) for k, a in named_nodes] if named_nodes else None

        def fn(env):
            target = f(env)
            state = env.state
            values = [a(env) for a in args]
            kw = {k: a(env) for k, a in named} if named is not None else None
            return invoke(target, values, kw, state, fname)
        if fexpr[0] == "name" and fname in FOLDABLE and named is None:
            return self._fold(fn, args)
        return fn

    def _is_defined(self, arg):
        inner = self.compile(arg)

        def fn(env):
            probe = State([])
            v = inner(Env(env.vars, env.parent, probe, env.input))
            env.state.steps += probe.steps
            return not (v is None and probe.warnings)
        return fn

    # -------------------------------------------------------------- unary tests
    def test(self, node) -> Callable[[Any, Env], bool | None]:
        """A positive unary test as ``t(input, env) -> True/False/None``."""
        tag = node[0]
        if tag == "utest":
            op = node[1]
            e = self.compile(node[2])
            if op in ("=", "!="):
                negate = op == "!="

                def t(v, env):
                    r = equal(v, e(_with_input(env, v)))
                    return r if r is None or not negate else not r
                return t
            check = {"<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0,
                     ">=": lambda c: c >= 0}[op]
            if _is_const(e):
                c0 = e.value

                def t(v, env):
                    c = compare(v, c0)
                    return None if c is None else check(c)
                t.static = True
                return t

            def t(v, env):
                c = compare(v, e(_with_input(env, v)))
                return None if c is None else check(c)
            return t
        before = self.uses_input
        self.uses_input = False
        e = self.compile(node)
        uses = self.uses_input
        self.uses_input = before or uses
        if uses:
            def t(v, env):
                r = e(_with_input(env, v))
                if r is True or r is False:
                    return r
                if r is None:
                    return None
                return _matches_value(v, r)
            return t
        if _is_const(e):
            c0 = e.value
            if c0.__class__ is str:
                t = lambda v, env: v == c0 if v.__class__ is str else (None if v is not None and kind(v) != "string" else False)  # noqa: E731,E501
            elif c0.__class__ is Range:
                t = _range_test(c0)
            else:
                t = lambda v, env: _matches_value(v, c0)  # noqa: E731
            t.static = True      # needs no context: matches() may skip building one
            return t
        return lambda v, env: _matches_value(v, e(_with_input(env, v)))


_SIMPLE = (Decimal, str, date)


def _range_test(r: Range):
    """``[55..60)``: plain comparisons when both ends are numbers, strings or dates of one class."""
    lo, hi = r.start, r.end
    cls = lo.__class__
    if cls not in _SIMPLE or hi.__class__ is not cls:
        return lambda v, env: r.contains(v)
    contains = r.contains
    if r.start_included and not r.end_included:
        return lambda v, env: lo <= v < hi if v.__class__ is cls else contains(v)
    if r.start_included and r.end_included:
        return lambda v, env: lo <= v <= hi if v.__class__ is cls else contains(v)
    if r.end_included:
        return lambda v, env: lo < v <= hi if v.__class__ is cls else contains(v)
    return lambda v, env: lo < v < hi if v.__class__ is cls else contains(v)


def _with_input(env: Env, v) -> Env:
    if env.input is v:
        return env
    return Env(env.vars, env.parent, env.state, v)


def _matches_value(v, r):
    """The input ``v`` against a test's value ``r``: a range contains it, a list holds it, it equals, or
    ``r`` is a boolean condition (``limit > 5``) on a non-boolean input."""
    kr = r.__class__
    if kr is bool and v.__class__ is not bool:
        return r
    if kr is Range:
        return r.contains(v)
    if kr is list:
        for item in r:
            m = item.contains(v) if item.__class__ is Range else equal(v, item)
            if m is True:
                return True
        if v.__class__ is list:
            return equal(v, r) is True
        return False
    return equal(v, r)


def _show(v) -> str:
    if v is None:
        return "null"
    text = format_value(v)
    if kind(v) == "string":
        text = '"' + text + '"'
    return text[:60]


def _index(items: list, i, state: State):
    try:
        n = int(i)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if n != i:
        return None
    if n > 0 and n <= len(items):
        return items[n - 1]
    if n < 0 and -n <= len(items):
        return items[n]
    state.warn(f"index {n} is outside the list of {len(items)}")
    return None


def _path(v, name: str, state: State):
    c = v.__class__
    if c is dict:
        if name in v:
            return v[name]
        state.warn(f"no entry named '{name}'")
        return None
    if c is list:
        return [_path(x, name, state) for x in v]
    if v is None:
        return None
    r = get_property(v, name)
    if r is _MISSING_PROP:
        state.warn(f"{kind(v)} has no property '{name}'")
        return None
    return r


from .properties import MISSING as _MISSING_PROP  # noqa: E402


def _domain(start, end, state: State):
    if end is not None or start.__class__ is Range:
        if start.__class__ is Range:
            r = start
            if r.start in (None, UNBOUNDED) or r.end in (None, UNBOUNDED):
                state.warn("cannot iterate over an unbounded range")
                return None
            lo, hi = r.start, r.end
            if kind(lo) != "number":
                state.warn("only ranges of integers can be iterated")
                return None
            lo = lo if r.start_included else lo + 1
            hi = hi if r.end_included else hi - 1
        else:
            lo, hi = start, end
        if kind(lo) != "number" or kind(hi) != "number" or lo != int(lo) or hi != int(hi):
            state.warn("a 'for' range needs two whole numbers")
            return None
        lo, hi = int(lo), int(hi)
        count = abs(hi - lo) + 1
        if count > MAX_STEPS:
            raise FeelBudgetError(f"a loop over more than {MAX_STEPS} numbers")
        step = 1 if hi >= lo else -1
        return _NumberRange(range(lo, hi + step, step))
    if start is None:
        return None
    if start.__class__ is list:
        return start
    return [start]


class _NumberRange:
    """``1..n`` of a for loop: iterable as often as an outer loop needs it."""
    __slots__ = ("r",)

    def __init__(self, r: range):
        self.r = r

    def __iter__(self):
        return map(Decimal, self.r)


def _bind(params, args, named):
    if named is not None:
        if set(named) - set(params):
            return None
        return [named.get(p) for p in params]
    if len(args) > len(params):
        return None
    return list(args) + [None] * (len(params) - len(args))


def invoke(target, values, kw, state: State, fname: str = "function"):
    if target.__class__ is FeelFunction:
        try:
            result = target.call(values, kw, state)
        except FeelBudgetError:
            raise
        except RecursionError:
            raise FeelBudgetError("the evaluation nested too deeply") from None
        except _FAILURES as exc:
            state.warn(f"{fname}(): {exc}")
            return None
        return result
    if target is None or target is _MISSING:
        state.warn(f"no function named '{fname}'")
        return None
    if callable(target) and not isinstance(target, type):
        from .values import from_python
        try:
            if kw:
                return from_python(target(*values, **kw))
            return from_python(target(*values))
        except FeelBudgetError:
            raise
        except Exception as exc:  # noqa: BLE001 - a host function's failure is a null, as for a built-in
            state.warn(f"{fname}(): {exc}")
            return None
    state.warn(f"'{fname}' is not a function")
    return None


__all__ = ["Compiler", "Env", "State", "invoke", "DEC"]
