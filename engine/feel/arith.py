"""FEEL arithmetic over numbers, strings, dates, times and both kinds of duration (DMN 1.5 table 57-61).

Each function raises TypeError/ArithmeticError for an operation the standard does not define; the
evaluator turns that into null and a warning."""
from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from .values import DEC, YearsMonthsDuration, as_utc, fit_string, format_value, kind, number

US = timedelta(microseconds=1)


def add_months(d, months: int):
    index = d.year * 12 + (d.month - 1) + months
    y, m = divmod(index, 12)
    day = min(d.day, calendar.monthrange(y, m + 1)[1])
    return d.replace(year=y, month=m + 1, day=day)


def _scale(td: timedelta, factor: Decimal) -> timedelta:
    us = DEC.multiply(Decimal(td // US), factor).to_integral_value()
    return timedelta(microseconds=int(us))


def _to_datetime(d: date, like: datetime) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=like.tzinfo)


def _time_plus(t: time, delta: timedelta) -> time:
    moved = datetime.combine(date(2000, 1, 1), t.replace(tzinfo=None)) + delta
    return moved.time().replace(tzinfo=t.tzinfo)


def _diff(a: datetime, b: datetime) -> timedelta:
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None) if a.tzinfo is None else as_utc(a).replace(tzinfo=None), \
            b.replace(tzinfo=None) if b.tzinfo is None else as_utc(b).replace(tzinfo=None)
        return a - b
    return as_utc(a) - as_utc(b)


def _bad(op, a, b):
    raise TypeError(f"{format_value(a) if a is not None else 'null'} {op} "
                    f"{format_value(b) if b is not None else 'null'} is not defined")


def add(a, b):
    ka, kb = kind(a), kind(b)
    if ka == "number" and kb == "number":
        return DEC.add(number(a), number(b))
    if ka == "string" and kb == "string":
        return fit_string(a + b)
    if ka == kb == "days and time duration":
        return a + b
    if ka == kb == "years and months duration":
        return YearsMonthsDuration(a.months + b.months)
    if kb in ("date", "date and time", "time") and ka.endswith("duration"):
        return add(b, a)
    if ka == "date and time":
        if kb == "days and time duration":
            if a.tzinfo is not None and hasattr(a.tzinfo, "key"):   # exact time, across a DST change
                return (a.astimezone(timezone.utc) + b).astimezone(a.tzinfo)
            return a + b
        if kb == "years and months duration":
            return add_months(a, b.months)
    if ka == "date":
        if kb == "days and time duration":
            return date.fromordinal((datetime(a.year, a.month, a.day) + b).toordinal())
        if kb == "years and months duration":
            return add_months(a, b.months)
    if ka == "time" and kb == "days and time duration":
        return _time_plus(a, b)
    _bad("+", a, b)


def subtract(a, b):
    ka, kb = kind(a), kind(b)
    if ka == "number" and kb == "number":
        return DEC.subtract(number(a), number(b))
    if ka == kb == "days and time duration":
        return a - b
    if ka == kb == "years and months duration":
        return YearsMonthsDuration(a.months - b.months)
    if ka == kb == "date":
        return timedelta(days=a.toordinal() - b.toordinal())
    if ka == kb == "date and time":
        return _diff(a, b)
    if ka == "date" and kb == "date and time":
        return _diff(_to_datetime(a, b), b)
    if ka == "date and time" and kb == "date":
        return _diff(a, _to_datetime(b, a))
    if ka == kb == "time":
        base = date(2000, 1, 1)
        if (a.tzinfo is None) != (b.tzinfo is None):
            _bad("-", a, b)
        x = datetime.combine(base, a.replace(tzinfo=None), a.tzinfo if a.tzinfo and not hasattr(a.tzinfo, "key") else None)
        y = datetime.combine(base, b.replace(tzinfo=None), b.tzinfo if b.tzinfo and not hasattr(b.tzinfo, "key") else None)
        return _diff(x, y)
    if ka in ("date", "date and time", "time") and kb.endswith("duration"):
        if kb == "days and time duration":
            return add(a, -b)
        return add(a, YearsMonthsDuration(-b.months))
    _bad("-", a, b)


def multiply(a, b):
    ka, kb = kind(a), kind(b)
    if ka == "number" and kb == "number":
        return DEC.multiply(number(a), number(b))
    if ka == "number" and kb.endswith("duration"):
        a, b, ka, kb = b, a, kb, ka
    if kb == "number":
        if ka == "days and time duration":
            return _scale(a, number(b))
        if ka == "years and months duration":
            return YearsMonthsDuration(int(DEC.multiply(Decimal(a.months), number(b)).to_integral_value()))
    _bad("*", a, b)


def divide(a, b):
    ka, kb = kind(a), kind(b)
    if ka == "number" and kb == "number":
        return DEC.divide(number(a), number(b))
    if ka == "days and time duration":
        if kb == "number":
            return _scale(a, DEC.divide(Decimal(1), number(b)))
        if kb == ka:
            return DEC.divide(Decimal(a // US), Decimal(b // US))
    if ka == "years and months duration":
        if kb == "number":
            return YearsMonthsDuration(int(DEC.divide(Decimal(a.months), number(b)).to_integral_value()))
        if kb == ka:
            return DEC.divide(Decimal(a.months), Decimal(b.months))
    _bad("/", a, b)


def power(a, b):
    if kind(a) == "number" and kind(b) == "number":
        return DEC.power(number(a), number(b))
    _bad("**", a, b)


def negate(a):
    k = kind(a)
    if k == "number":
        return DEC.minus(number(a))
    if k == "days and time duration":
        return -a
    if k == "years and months duration":
        return YearsMonthsDuration(-a.months)
    raise TypeError(f"-{format_value(a)} is not defined")


OPS = {"+": add, "-": subtract, "*": multiply, "/": divide, "**": power}

__all__ = ["OPS", "negate", "add_months", "timezone"]
