"""The project's own functions beside FEEL's built-ins, for the national tables (year-months as "YYYY-MM").

Year-months are "YYYY-MM" strings; dates are ISO dates. A function given an argument it cannot use
raises ValueError, which FEEL turns into null with a warning.

    add_months("1965-01", 721)    -> "2025-02"             (a date gives a date, day clamped to month end)
    months_between("1965-01", "2025-02") -> 721            (second minus first, day ignored)
    year_month(date("1965-01-15")) -> "1965-01"            (also accepts "YYYY-MM-DD" / "YYYY-MM")
    year("2025-02") -> 2025       month("2025-02") -> 2
    age_months("1965-01", "2025-02") -> 721                (full months of age at a year-month/date)
    format_age(721)               -> "60岁1个月"           (format_age(720) -> "60岁")
    is_year_month("1965-13")      -> false
    round_half_up(x, scale)       -> 138.4 for round_half_up(138.41666, 1)
"""
from __future__ import annotations

import calendar as _calendar
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def to_number(value):
    return Decimal(repr(value)) if value.__class__ is float else value


def kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    return "num" if isinstance(value, (int, Decimal)) else "other"


def normalize_number(value):
    if value.__class__ is Decimal and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _ym(value) -> tuple[int, int]:
    if isinstance(value, (date, datetime)):
        return value.year, value.month
    if isinstance(value, str):
        text = value.strip()
        if YEAR_MONTH.match(text[:7]) and len(text) in (7, 10):
            return int(text[:4]), int(text[5:7])
    raise ValueError(f"{value!r} is not a year-month (YYYY-MM) or a date")


def _int(value, what: str) -> int:
    value = to_number(value)
    if kind(value) != "num" or value != int(value):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    return int(value)


def add_months(value, months):
    n = _int(months, "add_months: months")
    y, m = _ym(value)
    index = y * 12 + (m - 1) + n
    y2, m2 = divmod(index, 12)
    if isinstance(value, (date, datetime)) and not isinstance(value, datetime):
        day = min(value.day, _calendar.monthrange(y2, m2 + 1)[1])
        return date(y2, m2 + 1, day)
    return f"{y2:04d}-{m2 + 1:02d}"


def months_between(start, end) -> int:
    y1, m1 = _ym(start)
    y2, m2 = _ym(end)
    return (y2 * 12 + m2) - (y1 * 12 + m1)


def age_months(birth, on) -> int:
    months = months_between(birth, on)
    if isinstance(birth, date) and isinstance(on, date) and on.day < birth.day:
        months -= 1
    return months


def year_month(value) -> str:
    y, m = _ym(value)
    return f"{y:04d}-{m:02d}"


def year(value) -> int:
    return _ym(value)[0]


def month(value) -> int:
    return _ym(value)[1]


def format_age(months) -> str:
    years, rest = divmod(_int(months, "format_age: months"), 12)
    return f"{years}岁" + (f"{rest}个月" if rest else "")


def is_year_month(value) -> bool:
    return isinstance(value, str) and bool(YEAR_MONTH.match(value))


def _num(value, name):
    value = to_number(value)
    if kind(value) != "num":
        raise ValueError(f"{name}() needs a number, not {value!r}")
    return value


def round_half_up(x, scale=0):
    value = Decimal(_num(x, "round_half_up"))
    places = _int(scale, "round_half_up: scale")
    if abs(places) > 100:
        raise ValueError("round_half_up: scale must lie between -100 and 100")
    return normalize_number(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


FUNCTIONS = {
    "add_months": add_months, "months_between": months_between, "age_months": age_months,
    "year_month": year_month, "year": year, "month": month, "format_age": format_age,
    "is_year_month": is_year_month, "round_half_up": round_half_up,
}
