"""How built-in functions are declared: ``@builtin("substring", "string, start position, length?")``.

A name may have several signatures (``date(from)`` and ``date(year, month, day)``); a call picks the one
its positional count or its named arguments fit. An implementation raises TypeError/ValueError/
ArithmeticError for an argument it cannot use: the call then yields null and a warning."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from .values import FeelFunction, number

SIGNATURES: dict[str, list["Signature"]] = {}


@dataclass(frozen=True)
class Signature:
    params: tuple[str, ...]
    required: int
    variadic: bool
    impl: Callable
    needs_state: bool


def builtin(name: str, params: str = "", *, needs_state: bool = False):
    names, required, variadic = [], 0, False
    for p in [p.strip() for p in params.split(",") if p.strip()]:
        if p.endswith("..."):
            variadic = True
            p = p[:-3]
        elif p.endswith("?"):
            p = p[:-1]
        else:
            required += 1
        names.append(p)

    def register(fn):
        SIGNATURES.setdefault(name, []).append(Signature(tuple(names), required, variadic, fn, needs_state))
        return fn
    return register


def _choose(sigs, args, named):
    if named is not None:
        for s in sigs:
            keys = set(named)
            if keys <= set(s.params):      # a parameter not named is null
                values = [named.get(p) for p in s.params]
                while len(values) > s.required and s.params[len(values) - 1] not in keys:
                    values.pop()
                if s.variadic and s.params and s.params[-1] in keys:
                    last = values.pop()
                    values.extend(last if isinstance(last, list) else [last])
                return s, values
        raise TypeError(f"no form takes the arguments {', '.join(named)}")
    n = len(args)
    for s in sigs:
        if s.variadic and n >= s.required:
            return s, args
        if s.required <= n <= len(s.params):
            return s, args
    raise TypeError(f"no form takes {n} argument(s)")


def make_function(name: str) -> FeelFunction:
    sigs = SIGNATURES[name]

    def call(args, named, state):
        s, values = _choose(sigs, args, named)
        if s.needs_state:
            return s.impl(state, *values)
        return s.impl(*values)
    params = sigs[0].params if len(sigs) == 1 and not sigs[0].variadic else None
    return FeelFunction(name, params, call, builtin=True)


# ---------------------------------------------------------------------------- argument helpers
def integer(x, what: str = "position") -> int:
    d = number(x)
    if d != d.to_integral_value():
        raise ValueError(f"{what} must be a whole number")
    return int(d)


def text(x, what: str = "argument") -> str:
    if x.__class__ is not str:
        raise TypeError(f"{what} must be a string")
    return x


def as_list(x) -> list:
    if x is None:
        raise TypeError("a list is needed, not null")
    return x if x.__class__ is list else [x]


def spread(args) -> list:
    """Arguments of a variadic list function: one list, or the items themselves (none: null)."""
    if not args:
        raise TypeError("no arguments")
    if len(args) == 1 and args[0].__class__ is list:
        return args[0]
    return list(args)


def boolean(x):
    if x is True or x is False:
        return x
    raise TypeError("a boolean is needed")


ZERO = Decimal(0)
