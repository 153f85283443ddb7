"""Value kinds shared by FEEL evaluation, input coercion and overlap checks."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

KIND = {
    bool: "bool", int: "num", Decimal: "num", float: "num", str: "str",
    date: "date", datetime: "datetime", type(None): "null",
}
ORDERED_KINDS = frozenset({"num", "str", "date", "datetime"})
YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def kind(value) -> str:
    return KIND.get(value.__class__, "other")


def to_number(value):
    """Return int or Decimal; floats become the Decimal of their shortest repr."""
    if value.__class__ is float:
        return Decimal(repr(value))
    return value


def normalize_number(value):
    """Integral Decimals become int so that 139.0 reads as 139."""
    if value.__class__ is Decimal and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def feel_equal(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return False
    return a == b


def feel_compare(op: str, a, b):
    """Ordered comparison; None (FEEL null) when the kinds differ or are unordered."""
    ka = kind(a)
    if ka != kind(b) or ka not in ORDERED_KINDS:
        return None
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def coerce(value, type_ref: str | None):
    """Coerce an input value to the column's typeRef; raise ValueError if it can't be."""
    value = to_number(value)
    if value.__class__ not in KIND:
        value = _plain(value)
    if value is None or not type_ref:
        return value
    t = type_ref.lower()
    if t in ("number", "integer", "long", "double", "decimal", "int"):
        if kind(value) == "num":
            number = value
        elif isinstance(value, str):
            try:
                number = normalize_number(Decimal(value.strip()))
            except InvalidOperation:
                raise ValueError(f"{value!r} is not a number") from None
            if number.__class__ is Decimal and not number.is_finite():
                raise ValueError(f"{value!r} is not a number")
        else:
            raise ValueError(f"{value!r} is not a number")
        if t in ("integer", "long", "int") and number != int(number):
            raise ValueError(f"{value!r} is not a whole number")
        return number
    if t == "string":
        if isinstance(value, str):
            return value
        raise ValueError(f"{value!r} is not a string")
    if t == "boolean":
        if isinstance(value, bool):
            return value
        raise ValueError(f"{value!r} is not a boolean")
    if t == "date":
        if value.__class__ is date:
            return value
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip()[:10])
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
        raise ValueError(f"{value!r} is not a date")
    return value


def _plain(value):
    """Subclasses (a calendar's WorkingDate, a str subclass) are read as their base type."""
    if isinstance(value, datetime):
        return datetime.combine(value.date(), value.time(), value.tzinfo)
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    if isinstance(value, str):
        return str.__str__(value)
    return value


def display(value) -> str:
    """Render a value the way a policy officer writes it in a table."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, (date, datetime)):
        return f'date("{value.isoformat()}")'
    return str(value)
