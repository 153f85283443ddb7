"""Functions that DMN expressions may call (input expressions, output entries, endpoints).

Year-months are "YYYY-MM" strings; dates are ISO dates. Every function raises ValueError on an
argument it cannot use; the evaluator reports that with the rule and the output it came from.

    date("2025-01-01")            -> date(2025, 1, 1)      also date(2025, 1, 1)
    add_months("1965-01", 721)    -> "2025-02"             (a date gives a date, day clamped to month end)
    months_between("1965-01", "2025-02") -> 721            (second minus first, day ignored)
    year_month(date("1965-01-15")) -> "1965-01"            (also accepts "YYYY-MM-DD" / "YYYY-MM")
    year("2025-02") -> 2025       month("2025-02") -> 2
    age_months("1965-01", "2025-02") -> 721                (full months of age at a year-month/date)
    format_age(721)               -> "60岁1个月"           (format_age(720) -> "60岁")
    is_year_month("1965-13")      -> false
    min(a, b, ...) / max(a, b, ...), abs(x), floor(x), ceiling(x)
    round_half_up(x, scale)       -> 138.4 for round_half_up(138.41666, 1)
    string(x), number("12.5"), matches(text, regex), not(x)
"""
from __future__ import annotations

import calendar as _calendar
import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from .values import YEAR_MONTH, kind, normalize_number, to_number


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


def f_date(*args):
    if len(args) == 3:
        return date(*(_int(a, "date part") for a in args))
    if len(args) != 1:
        raise ValueError("date() takes a string or (year, month, day)")
    value = args[0]
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)")


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


def _numbers(args, name):
    values = [to_number(a) for a in args]
    if len(values) == 1 and isinstance(values[0], list):
        values = [to_number(a) for a in values[0]]
    if not values:
        raise ValueError(f"{name}() needs at least one argument")
    kinds = {kind(v) for v in values}
    if len(kinds) != 1 or kinds & {"bool", "null", "other"}:
        raise ValueError(f"{name}() needs values of one comparable type, got {values!r}")
    return values


def f_min(*args):
    return min(_numbers(args, "min"))


def f_max(*args):
    return max(_numbers(args, "max"))


def _num(value, name):
    value = to_number(value)
    if kind(value) != "num":
        raise ValueError(f"{name}() needs a number, not {value!r}")
    return value


def f_abs(x):
    return abs(_num(x, "abs"))


def f_floor(x):
    return math.floor(_num(x, "floor"))


def f_ceiling(x):
    return math.ceil(_num(x, "ceiling"))


def round_half_up(x, scale=0):
    value = Decimal(_num(x, "round_half_up"))
    places = _int(scale, "round_half_up: scale")
    if abs(places) > 100:
        raise ValueError("round_half_up: scale must lie between -100 and 100")
    return normalize_number(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def f_string(x) -> str:
    if isinstance(x, date):
        return x.isoformat()
    if isinstance(x, bool):
        return "true" if x else "false"
    return "null" if x is None else str(x)


def f_number(x):
    if isinstance(x, str):
        return normalize_number(Decimal(x.strip()))
    return _num(x, "number")


def matches(text, pattern) -> bool:
    """A linear-time regular-expression search (RE2): a policy-written pattern cannot backtrack for ever."""
    if not isinstance(text, str) or not isinstance(pattern, str):
        raise ValueError("matches() needs two strings")
    if len(pattern) > 1000:
        raise ValueError("matches(): the pattern is longer than 1000 characters")
    try:
        import re2
    except ImportError:  # pragma: no cover - google-re2 is a pinned dependency
        raise ValueError("matches() needs the google-re2 package") from None
    try:
        return re2.search(pattern, text) is not None
    except re2.error as exc:
        raise ValueError(f"matches(): {exc}") from None


def f_not(x):
    if x is None:
        return None
    if not isinstance(x, bool):
        raise ValueError(f"not() needs a boolean, not {x!r}")
    return not x


FUNCTIONS = {
    "date": f_date, "add_months": add_months, "months_between": months_between,
    "age_months": age_months, "year_month": year_month, "year": year, "month": month,
    "format_age": format_age, "is_year_month": is_year_month, "min": f_min, "max": f_max,
    "abs": f_abs, "floor": f_floor, "ceiling": f_ceiling, "round_half_up": round_half_up,
    "string": f_string, "number": f_number, "matches": matches, "not": f_not,
}
