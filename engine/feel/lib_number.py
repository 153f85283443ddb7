"""Numeric functions (DMN 1.5 §10.3.4.5): decimal, floor, ceiling, the round family, abs, modulo, sqrt…"""
from __future__ import annotations

import decimal
from datetime import timedelta
from decimal import Decimal

from .library import builtin, integer
from .values import DEC, YearsMonthsDuration, kind, number

MAX_SCALE = 6176


def _scale(scale) -> int:
    s = integer(scale, "scale")
    if not -6111 <= s <= MAX_SCALE:
        raise ValueError("scale is outside -6111..6176")
    return s


def _round(n, scale, mode):
    n = number(n)
    s = _scale(scale)
    ctx = DEC.copy()
    ctx.rounding = mode
    ctx.prec = 34
    q = Decimal(1).scaleb(-s)
    if n.adjusted() - (-s) > 34 + 1:
        return n
    try:
        return n.quantize(q, context=ctx)
    except decimal.InvalidOperation:
        return n


@builtin("decimal", "n, scale")
def f_decimal(n, scale):
    return _round(n, scale, decimal.ROUND_HALF_EVEN)


@builtin("floor", "n, scale?")
def f_floor(n, scale=Decimal(0)):
    return _round(n, scale, decimal.ROUND_FLOOR)


@builtin("ceiling", "n, scale?")
def f_ceiling(n, scale=Decimal(0)):
    return _round(n, scale, decimal.ROUND_CEILING)


@builtin("round up", "n, scale?")
def f_round_up(n, scale=Decimal(0)):
    return _round(n, scale, decimal.ROUND_UP)


@builtin("round down", "n, scale?")
def f_round_down(n, scale=Decimal(0)):
    return _round(n, scale, decimal.ROUND_DOWN)


@builtin("round half up", "n, scale?")
def f_round_half_up(n, scale=Decimal(0)):
    return _round(n, scale, decimal.ROUND_HALF_UP)


@builtin("round half down", "n, scale?")
def f_round_half_down(n, scale=Decimal(0)):
    return _round(n, scale, decimal.ROUND_HALF_DOWN)


@builtin("abs", "n")
def f_abs(n):
    k = kind(n)
    if k == "days and time duration":
        return abs(n)
    if k == "years and months duration":
        return YearsMonthsDuration(abs(n.months))
    return DEC.abs(number(n))


@builtin("modulo", "dividend, divisor")
def f_modulo(a, b):
    a, b = number(a), number(b)
    if b == 0:
        raise ZeroDivisionError("modulo by zero")
    q = DEC.divide_int(a, b)
    if DEC.multiply(q, b) != a and (a < 0) != (b < 0):
        q = DEC.subtract(q, Decimal(1))
    return DEC.subtract(a, DEC.multiply(b, q))


@builtin("sqrt", "number")
def f_sqrt(n):
    n = number(n)
    if n < 0:
        raise ValueError("sqrt of a negative number")
    return DEC.sqrt(n)


@builtin("log", "number")
def f_log(n):
    n = number(n)
    if n <= 0:
        raise ValueError("log of a number that is not positive")
    return DEC.ln(n)


@builtin("exp", "number")
def f_exp(n):
    return DEC.exp(number(n))


@builtin("odd", "number")
def f_odd(n):
    n = number(n)
    if n != n.to_integral_value():
        return None
    return int(n) % 2 == 1


@builtin("even", "number")
def f_even(n):
    n = number(n)
    if n != n.to_integral_value():
        return None
    return int(n) % 2 == 0


_td = timedelta
