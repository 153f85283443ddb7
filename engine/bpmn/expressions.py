"""Python expressions in diagrams: conditions, timers, due dates, input parameters.

Policy staff write plain Python over process variables (``channel == "employer"``); Camunda Modeler
users often wrap them as ``${...}``, which is accepted and stripped. Deployed expressions are checked
against a whitelist (no imports, no dunder access, no I/O builtins) and run with a small set of
builtins plus the date helpers below.
"""
from __future__ import annotations

import ast
import builtins
from datetime import date, datetime, timedelta

from ..clock import SHANGHAI, current

_SAFE_BUILTIN_NAMES = (
    "abs all any bool dict enumerate float int isinstance len list max min range round sorted str sum "
    "tuple zip None True False set"
).split()
SAFE_BUILTINS = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES if hasattr(builtins, name)}
_FORBIDDEN_NAMES = {"eval", "exec", "compile", "open", "globals", "locals", "vars", "getattr", "setattr",
                    "delattr", "__import__", "input", "breakpoint", "memoryview", "type", "object"}


class UnsafeExpression(ValueError):
    pass


def unwrap(expression: str) -> str:
    text = (expression or "").strip()
    if (text.startswith("${") or text.startswith("#{")) and text.endswith("}"):
        text = text[2:-1].strip()
    return text


def check_expression(expression: str, mode: str = "eval") -> None:
    """Raise UnsafeExpression or SyntaxError when a diagram's expression may not run."""
    tree = ast.parse(unwrap(expression), mode=mode)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
            raise UnsafeExpression("imports are not allowed in diagram expressions")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise UnsafeExpression(f"attribute '{node.attr}' is not allowed")
        if isinstance(node, ast.Name) and (node.id in _FORBIDDEN_NAMES or node.id.startswith("__")):
            raise UnsafeExpression(f"name '{node.id}' is not allowed")


# ---- helpers available to every expression -------------------------------------------------

def _to_date(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) == 7:  # YYYY-MM
        return date(int(text[:4]), int(text[5:7]), 1)
    return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text[:10])


def add_months(value, months: int) -> str:
    """``add_months("2025-03-31", -1)`` → "2025-02-28"; a "YYYY-MM" value gives "YYYY-MM"."""
    text = str(value)
    d = _to_date(value)
    total = d.year * 12 + d.month - 1 + int(months)
    year, month = divmod(total, 12)
    month += 1
    if len(text) == 7:
        return f"{year:04d}-{month:02d}"
    import calendar
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day).isoformat()


def age_in_months(birth, on) -> int:
    """Whole months of age on a day: ``age_in_months("1970-06-15", "2030-06-01")`` → 719."""
    born, day = _to_date(birth), _to_date(on)
    months = (day.year - born.year) * 12 + day.month - born.month
    return months - 1 if day.day < born.day else months


def add_days(value, days: int) -> str:
    return (_to_date(value) + timedelta(days=int(days))).isoformat()


def month_start(value) -> str:
    d = _to_date(value)
    return date(d.year, d.month, 1).isoformat()


def today() -> str:
    return current().now().astimezone(SHANGHAI).date().isoformat()


def now() -> str:
    return current().now().astimezone(SHANGHAI).isoformat()


def at(value, hour: int = 9, minute: int = 0) -> str:
    """A timer instant: the given date at hh:mm Beijing time, as ISO 8601 with offset."""
    d = _to_date(value)
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=SHANGHAI).isoformat()


def quarter_of(value) -> str:
    d = _to_date(value)
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def next_quarter(value) -> str:
    d = _to_date(value)
    q = (d.month - 1) // 3 + 1
    return f"{d.year + 1}Q1" if q == 4 else f"{d.year}Q{q + 1}"


def previous_month(value) -> str:
    return add_months(_to_date(value).isoformat()[:7], -1)


HELPERS = {
    "add_months": add_months,
    "add_days": add_days,
    "age_in_months": age_in_months,
    "month_start": month_start,
    "today": today,
    "now": now,
    "at": at,
    "quarter_of": quarter_of,
    "next_quarter": next_quarter,
    "previous_month": previous_month,
}
