"""Year-month arithmetic ('YYYY-MM'), quarters ('2027Q1') and dates given as ISO text or date."""
from __future__ import annotations

import re
from datetime import date, datetime

_QUARTER = re.compile(r"^(\d{4})\s*-?Q([1-4])$", re.IGNORECASE)


def as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def month_index(value) -> int:
    """Months since year 0 of a 'YYYY-MM' text, a date, or an ISO date text."""
    if isinstance(value, (date, datetime)):
        return value.year * 12 + value.month - 1
    text = str(value)
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(value) -> str:
    return month_text(month_index(value))


def months_after(month, count: int) -> str:
    """The year-month (YYYY-MM) `count` months after `month`'s (the day plays no part; diagrams and DMN use
    add_months, which keeps it)."""
    return month_text(month_index(month) + count)


def months_between(start, end) -> int:
    """Whole months from start to end (both year-months)."""
    return month_index(end) - month_index(start)


def months_inclusive(start, end) -> int:
    return months_between(start, end) + 1


def first_day(month) -> date:
    index = month_index(month)
    return date(index // 12, index % 12 + 1, 1)


def quarter_of(value) -> str:
    index = month_index(value)
    return f"{index // 12}Q{index % 12 // 3 + 1}"


def next_quarter(value) -> str:
    return quarter_of(month_text(month_index(value) + 3))


def quarter_months(quarter: str) -> tuple[str, str]:
    """First and last month of '2027Q1' → ('2027-01', '2027-03')."""
    match = _QUARTER.match(str(quarter).strip())
    if not match:
        raise ValueError(f"not a quarter: {quarter!r} (expected like 2027Q1)")
    first = int(match.group(1)) * 12 + (int(match.group(2)) - 1) * 3
    return month_text(first), month_text(first + 2)


def normalise_quarter(quarter: str) -> str:
    return quarter_of(quarter_months(quarter)[0])
