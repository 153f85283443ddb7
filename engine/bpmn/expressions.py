"""Expressions in diagrams: conditions, timers, due dates, input parameters, scripts.

Policy staff write a small Python-like language over process variables (``channel == "employer"``),
read and run by engine.bpmn.interpreter (never by Python's eval); Camunda Modeler users often wrap
them as ``${...}``, which is accepted and stripped. Expressions may call the date helpers below.

Timer definitions and due dates may instead hold an ISO 8601 literal, typed as Camunda 7 users type it
(``PT5M``, ``P1D``, ``2027-01-01T09:00:00+08:00``, ``2027-01-01``, ``R3/PT10M``): as in Camunda 7, such
a value is the literal itself, not an expression (``iso_literal``, ``timer_expression``).
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from ..clock import SHANGHAI, current
from .interpreter import ExpressionError, UnsafeExpression, check_expression, unwrap  # noqa: F401 - re-exported


class InvalidTimeValue(ValueError):
    """A timer or due-date value that is neither an ISO 8601 literal of the right kind nor an expression."""


# ---- ISO 8601 literals in timers and due dates ------------------------------------------------

_DURATION = re.compile(r"P(\d+W|(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?")
_LOOKS_ISO = re.compile(r"(R\d*/|PT?\d)[0-9A-Z./:,+-]*")

TIMER_KINDS = {"timeDate": ("date", "datetime"), "timeDuration": ("duration",), "timeCycle": ("cycle",)}
DUE_DATE_KINDS = ("date", "datetime", "duration")


def _instant_kind(text: str) -> str | None:
    if _DATE.fullmatch(text):
        try:
            date.fromisoformat(text)
        except ValueError:
            return None
        return "date"
    if _DATETIME.fullmatch(text):
        try:
            datetime.fromisoformat(text.replace(",", "."))
        except ValueError:
            return None
        return "datetime"
    return None


def iso_literal(text: str | None) -> str | None:
    """``"duration"``, ``"date"``, ``"datetime"`` or ``"cycle"`` when ``text`` is an ISO 8601 literal, else None.

    A cycle is ``R[n]/<duration>``, ``R[n]/<start>/<duration>`` or ``R[n]/<duration>/<end>``.
    """
    value = (text or "").strip()
    if _DURATION.fullmatch(value):
        return "duration"
    kind = _instant_kind(value)
    if kind:
        return kind
    parts = value.split("/")
    if len(parts) in (2, 3) and re.fullmatch(r"R\d*", parts[0]):
        kinds = ["duration" if _DURATION.fullmatch(p) else _instant_kind(p) for p in parts[1:]]
        if kinds in (["duration"], ["duration", "date"], ["duration", "datetime"]) or (
                len(kinds) == 2 and kinds[0] in ("date", "datetime") and kinds[1] == "duration"):
            return "cycle"
    return None


def timer_expression(text: str) -> str:
    """The expression Spiff evaluates for a timer value: an ISO 8601 literal becomes a string literal."""
    return repr(text.strip()) if iso_literal(text) else text


def check_time_value(text: str, kinds: tuple[str, ...]) -> None:
    """Raise InvalidTimeValue or ExpressionError unless ``text`` is an ISO 8601 literal of
    one of ``kinds`` or an expression that may run."""
    kind = iso_literal(text)
    if kind is not None:
        if kind not in kinds:
            raise InvalidTimeValue(f"{text.strip()!r} is an ISO 8601 {kind}, not a {' or '.join(kinds)}")
        return
    if _LOOKS_ISO.fullmatch((text or "").strip()):
        raise InvalidTimeValue(f"{text.strip()!r} is not a valid ISO 8601 {' or '.join(kinds)}")
    check_expression(text)


def parse_duration(duration: str) -> tuple[int, timedelta]:
    """An ISO 8601 duration as (whole months, the rest); raise ValueError when it is not one."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    try:
        parsed = TimerEventDefinition.parse_iso_duration(duration.strip())
    except Exception as exc:  # Spiff raises a bare Exception for a malformed duration
        raise ValueError(f"{duration!r} is not an ISO 8601 duration") from exc
    months = parsed.pop("years", 0) * 12 + parsed.pop("months", 0)
    if months != int(months):
        raise ValueError(f"{duration!r}: fractions of months or years are not supported")
    return int(months), timedelta(**parsed)


def add_period(start: datetime, months: int, rest: timedelta = timedelta()) -> datetime:
    """``start`` plus whole months by the calendar, as Camunda 7 counts them (31 January + 1 month is the
    last day of February), plus ``rest``."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return start.replace(year=year, month=month + 1, day=day) + rest


def add_duration(start: datetime, duration: str) -> datetime:
    """``start`` plus an ISO 8601 duration (``P5D``, ``P1M``, ``PT4H``), months by the calendar."""
    return add_period(start, *parse_duration(duration))


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


def add_months(value, months: int):
    """The one month arithmetic of the project (diagrams, calendar, handlers, simulation).

    ``add_months("2025-03-31", -1)`` → "2025-02-28" (the day is kept, or the month's last); a "YYYY-MM" value
    gives "YYYY-MM"; a date gives a date."""
    text = str(value)
    d = _to_date(value)
    total = d.year * 12 + d.month - 1 + int(months)
    year, month = divmod(total, 12)
    month += 1
    if len(text) == 7:
        return f"{year:04d}-{month:02d}"
    shifted = date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
    return shifted if isinstance(value, date) and not isinstance(value, datetime) else shifted.isoformat()


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
