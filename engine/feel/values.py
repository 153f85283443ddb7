"""FEEL values in Python.

number -> decimal.Decimal (34 digits, ROUND_HALF_EVEN: IEEE 754 decimal128 as the standard says);
string -> str; boolean -> bool; null -> None; date -> datetime.date; date and time -> datetime.datetime
(naive = local, or tzinfo as a fixed offset or an IANA ZoneInfo); time -> datetime.time (same tzinfo rule);
years and months duration -> YearsMonthsDuration; days and time duration -> datetime.timedelta;
range -> Range; list -> list; context -> dict; function -> FeelFunction."""
from __future__ import annotations

import decimal
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any, Callable, Sequence
from zoneinfo import ZoneInfo

from .errors import FeelBudgetError

DEC = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN, Emax=6144, Emin=-6143,
                      traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
ZERO = Decimal(0)
ONE = Decimal(1)

MAX_STRING = 100_000     # characters of one string produced
MAX_LIST = 100_000       # items of one list produced


@dataclass(frozen=True, order=True, slots=True)
class YearsMonthsDuration:
    months: int

    def __str__(self) -> str:
        return format_value(self)


class _Unbounded:
    """The missing end of ``< 10`` (below every value), unlike a ``null`` end (which compares as null)."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNBOUNDED"


UNBOUNDED = _Unbounded()


@dataclass(frozen=True, slots=True)
class Range:
    start: Any
    end: Any
    start_included: bool
    end_included: bool
    # an endpoint UNBOUNDED is open ("< 10" is Range(UNBOUNDED, 10, False, False)); None is a null end

    def contains(self, value) -> bool | None:
        if value is None:
            return None
        if self.start is not UNBOUNDED:
            c = compare(self.start, value)
            if c is None:
                return None
            if c > 0 or (c == 0 and not self.start_included):
                return False
        if self.end is not UNBOUNDED:
            c = compare(value, self.end)
            if c is None:
                return None
            if c > 0 or (c == 0 and not self.end_included):
                return False
        return True


@dataclass(eq=False, slots=True)
class FeelFunction:
    """A function value: user-defined (``function(a, b) a + b``), a built-in, or a decision's BKM.

    ``call(args: list, named: dict | None, state)`` returns the result; ``params`` are the parameter names
    (None for a variadic built-in)."""
    name: str
    params: Sequence[str] | None
    call: Callable[..., Any]
    builtin: bool = False

    def __call__(self, *args):
        from .evaluator import State
        return self.call(list(args), None, State(None))


# ----------------------------------------------------------------------------- kinds
def kind(v) -> str:
    c = v.__class__
    if c is Decimal:
        return "number"
    if c is str:
        return "string"
    if c is bool:
        return "boolean"
    if v is None:
        return "null"
    if c is date:
        return "date"
    if c is datetime:
        return "date and time"
    if c is time:
        return "time"
    if c is timedelta:
        return "days and time duration"
    if c is YearsMonthsDuration:
        return "years and months duration"
    if c is list:
        return "list"
    if c is dict:
        return "context"
    if c is Range:
        return "range"
    if c is FeelFunction:
        return "function"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, datetime):
        return "date and time"
    if isinstance(v, date):
        return "date"
    if callable(v):
        return "function"
    return "other"


# ----------------------------------------------------------------------------- conversion
def from_python(value):
    """A process-variable value as FEEL sees it: ints and floats become Decimals, tuples lists, strings stay."""
    c = value.__class__
    if c is str or c is bool or value is None or c is Decimal:
        return value
    if c is int:
        return Decimal(value)
    if c is float:
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if c is dict:
        return {str(k): from_python(v) for k, v in value.items()}
    if c is list or c is tuple:
        return [from_python(v) for v in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, datetime):
        return datetime.combine(value.date(), value.time(), value.tzinfo)
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    if isinstance(value, dict):
        return {str(k): from_python(v) for k, v in value.items()}
    return value


def to_python(value):
    """A FEEL result as a process variable: whole numbers int, others Decimal; durations ISO text."""
    c = value.__class__
    if c is Decimal:
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return value
    if c is list:
        return [to_python(v) for v in value]
    if c is dict:
        return {k: to_python(v) for k, v in value.items()}
    if c is timedelta or c is YearsMonthsDuration or c is Range:
        return format_value(value)
    if c is FeelFunction:
        return None
    return value


def number(v) -> Decimal:
    """``v`` as a Decimal when it is a number (Python int/float accepted), else raise TypeError."""
    c = v.__class__
    if c is Decimal:
        return v
    if c is int:
        return Decimal(v)
    if c is float:
        return Decimal(repr(v))
    raise TypeError(f"{format_value(v)} is not a number")


def fit_string(s: str) -> str:
    if len(s) > MAX_STRING:
        raise FeelBudgetError(f"a string would be longer than {MAX_STRING} characters")
    return s


def fit_list(items: list) -> list:
    if len(items) > MAX_LIST:
        raise FeelBudgetError(f"a list would have more than {MAX_LIST} items")
    return items


# ----------------------------------------------------------------------------- time helpers
_UTC_DAY = date(1970, 1, 1)


def time_offset(t: time) -> timedelta | None:
    tz = t.tzinfo
    if tz is None:
        return None
    if isinstance(tz, ZoneInfo):
        return tz.utcoffset(datetime.combine(_UTC_DAY, t.replace(tzinfo=None)))
    return tz.utcoffset(None)


def time_seconds(t: time) -> Decimal:
    """Seconds since midnight UTC (or local midnight for a time without offset)."""
    us = ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
    off = time_offset(t)
    if off is not None:
        us -= off // timedelta(microseconds=1)
        us %= 86_400_000_000
    return Decimal(us) / Decimal(1_000_000)


def as_utc(d: datetime) -> datetime:
    return d.astimezone(timezone.utc) if d.tzinfo is not None else d


def zone_name(tz: tzinfo | None) -> str | None:
    if tz is None:
        return None
    if isinstance(tz, ZoneInfo):
        return tz.key
    off = tz.utcoffset(None)
    return "Z" if off == timedelta(0) else _offset_text(off)


def _offset_text(off: timedelta) -> str:
    sign = "-" if off < timedelta(0) else "+"
    secs = abs(int(off.total_seconds()))
    text = f"{sign}{secs // 3600:02d}:{secs % 3600 // 60:02d}"
    return text + (f":{secs % 60:02d}" if secs % 60 else "")


# ----------------------------------------------------------------------------- equality and order
def equal(a, b):
    """FEEL ``=``: true/false, or None when the two are not comparable (different kinds)."""
    if a is None or b is None:
        return a is None and b is None
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return None
    if ka == "number":
        return number(a) == number(b)
    if ka == "list":
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            e = equal(x, y)
            if e is not True:
                return e
        return True
    if ka == "context":
        if a.keys() != b.keys():
            return False
        for k in a:
            e = equal(a[k], b[k])
            if e is not True:
                return e
        return True
    if ka == "date and time":
        if (a.tzinfo is None) != (b.tzinfo is None):
            return a.replace(tzinfo=None) == b.replace(tzinfo=None) and False
        if a.tzinfo is not None:
            return as_utc(a) == as_utc(b)
        return a == b
    if ka == "time":
        if (a.tzinfo is None) != (b.tzinfo is None):
            return False
        return time_seconds(a) == time_seconds(b)
    if ka == "range":
        return (a.start_included == b.start_included and a.end_included == b.end_included
                and _same_end(a.start, b.start) and _same_end(a.end, b.end))
    if ka == "function":
        return a is b
    return a == b


def _same_end(x, y) -> bool:
    if x is UNBOUNDED or y is UNBOUNDED:
        return x is y
    return equal(x, y) is True


ORDERED = frozenset({"number", "string", "date", "date and time", "time",
                     "days and time duration", "years and months duration"})


def compare(a, b) -> int | None:
    """-1/0/1, or None when ``a`` and ``b`` are not of one ordered kind."""
    ka = kind(a)
    if ka != kind(b) or ka not in ORDERED:
        return None
    if ka == "number":
        a, b = number(a), number(b)
    elif ka == "date and time":
        if (a.tzinfo is None) != (b.tzinfo is None):
            return None
        if a.tzinfo is not None:
            a, b = as_utc(a), as_utc(b)
    elif ka == "time":
        if (a.tzinfo is None) != (b.tzinfo is None):
            return None
        a, b = time_seconds(a), time_seconds(b)
    return -1 if a < b else (1 if a > b else 0)


# ----------------------------------------------------------------------------- text forms
def format_number(d: Decimal) -> str:
    if d == 0:
        return "0"
    d = d.normalize(DEC)
    text = format(d, "f")
    return text


def format_duration(v) -> str:
    if v.__class__ is YearsMonthsDuration:
        m = v.months
        sign = "-" if m < 0 else ""
        y, mm = divmod(abs(m), 12)
        body = (f"{y}Y" if y else "") + (f"{mm}M" if mm or not y else "")
        return f"{sign}P{body}"
    total = v // timedelta(microseconds=1)
    sign = "-" if total < 0 else ""
    total = abs(total)
    secs, us = divmod(total, 1_000_000)
    days, secs = divmod(secs, 86400)
    h, secs = divmod(secs, 3600)
    mi, s = divmod(secs, 60)
    out = f"{sign}P" + (f"{days}D" if days else "")
    t = (f"{h}H" if h else "") + (f"{mi}M" if mi else "")
    if s or us:
        t += (f"{s}.{us:06d}".rstrip("0") if us else f"{s}") + "S"
    if t:
        out += "T" + t
    if out in ("P", "-P"):
        return "PT0S"
    return out


def _fraction(us: int) -> str:
    return ("." + f"{us:06d}".rstrip("0")) if us else ""


def format_time(t: time) -> str:
    text = f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}" + _fraction(t.microsecond)
    return text + _zone_suffix(t.tzinfo, t)


def _zone_suffix(tz, value) -> str:
    if tz is None:
        return ""
    if isinstance(tz, ZoneInfo):
        return "@" + tz.key
    off = tz.utcoffset(None)
    return "Z" if off == timedelta(0) else _offset_text(off)


def format_date(d: date) -> str:
    if d.year < 1:
        return f"-{abs(d.year):04d}-{d.month:02d}-{d.day:02d}"
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def format_value(v) -> str | None:
    """``string(v)`` as the standard defines it."""
    k = kind(v)
    if v is None:
        return None
    if k == "string":
        return v
    if k == "number":
        return format_number(number(v))
    if k == "boolean":
        return "true" if v else "false"
    if k == "date":
        return format_date(v)
    if k == "date and time":
        return format_date(v.date()) + "T" + format_time(v.time().replace(tzinfo=None)) + _zone_suffix(v.tzinfo, v)
    if k == "time":
        return format_time(v)
    if k in ("days and time duration", "years and months duration"):
        return format_duration(v)
    if k == "list":
        return "[" + _joined(_literal(x) for x in v) + "]"
    if k == "context":
        return "{" + _joined(f"{key}: {_literal(x)}" for key, x in v.items()) + "}"
    if k == "range":
        if v.start is UNBOUNDED:
            return ("<= " if v.end_included else "< ") + _literal(v.end)
        if v.end is UNBOUNDED:
            return (">= " if v.start_included else "> ") + _literal(v.start)
        return (("[" if v.start_included else "(") + _literal(v.start) + ".." + _literal(v.end)
                + ("]" if v.end_included else ")"))
    if k == "function":
        return "function"
    return str(v)


def _joined(pieces) -> str:
    out, size = [], 0
    for p in pieces:
        size += len(p) + 2
        if size > MAX_STRING:
            raise FeelBudgetError(f"a string would be longer than {MAX_STRING} characters")
        out.append(p)
    return ", ".join(out)


def _literal(v) -> str:
    if v is None:
        return "null"
    if kind(v) == "string":
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return format_value(v)


# ----------------------------------------------------------------------------- temporal parsing
_DATE = re.compile(r"(-?\d{4,9})-(\d\d)-(\d\d)")
_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)(\.\d+)?(?:(Z|z)|([+-])(\d\d):(\d\d)(?::(\d\d))?)?(?:@([A-Za-z0-9_+\-/]{1,64}))?")
_DURATION = re.compile(r"(-)?P(?:(\d{1,9})Y)?(?:(\d{1,9})M)?(?:(\d{1,9})D)?"
                       r"(?:T(?:(\d{1,12})H)?(?:(\d{1,12})M)?(?:(\d{1,12})(\.\d{0,9})?S)?)?")


def parse_date(text: str) -> date | None:
    m = _DATE.fullmatch(text)
    if not m:
        return None
    y = int(m.group(1))
    try:
        return date(y, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _zone(m) -> tzinfo | None | bool:
    """The tzinfo of a time match; False when it names an unknown zone."""
    zulu, sign, hh, mm, ss, zone = m.group(5), m.group(6), m.group(7), m.group(8), m.group(9), m.group(10)
    if zone:
        if sign or zulu:
            return False
        try:
            return ZoneInfo(zone)
        except (ValueError, KeyError, OSError):
            return False
        except Exception:  # noqa: BLE001 - ZoneInfoNotFoundError and malformed keys
            return False
    if zulu:
        return timezone.utc
    if sign:
        off = timedelta(hours=int(hh), minutes=int(mm), seconds=int(ss or 0))
        if off > timedelta(hours=14):
            return False
        return timezone(-off if sign == "-" else off)
    return None


def parse_time(text: str) -> time | None:
    m = _TIME.fullmatch(text)
    if not m:
        return None
    tz = _zone(m)
    if tz is False:
        return None
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3))
    frac = m.group(4)
    us = int((frac[1:] + "000000")[:6]) if frac else 0
    if h == 24 and mi == 0 and s == 0 and not us:
        h = 0
    try:
        return time(h, mi, s, us, tzinfo=tz)
    except ValueError:
        return None


def parse_date_time(text: str) -> datetime | None:
    if "T" not in text:
        d = parse_date(text)
        return datetime(d.year, d.month, d.day) if d else None
    day, _, clock = text.partition("T")
    d = parse_date(day)
    t = parse_time(clock)
    if d is None or t is None:
        return None
    if clock.startswith("24:00:00"):
        d = date.fromordinal(d.toordinal() + 1) if d < date.max else None
        if d is None:
            return None
    return datetime.combine(d, t.replace(tzinfo=None), t.tzinfo)


def parse_duration(text: str):
    m = _DURATION.fullmatch(text)
    if not m or text.endswith(("P", "T")):
        return None
    neg, y, mo, d, h, mi, s, frac = m.groups()
    ym = y is not None or mo is not None
    dt = any(x is not None for x in (d, h, mi, s))
    if ym and dt:
        return None
    if ym:
        months = int(y or 0) * 12 + int(mo or 0)
        return YearsMonthsDuration(-months if neg else months)
    us = int((frac[1:] + "000000")[:6]) if frac and len(frac) > 1 else 0
    try:
        value = timedelta(days=int(d or 0), hours=int(h or 0), minutes=int(mi or 0), seconds=int(s or 0),
                          microseconds=us)
    except OverflowError:
        return None
    return -value if neg else value


def parse_temporal(text: str):
    """``@"..."``: a date, a date and time, a time or a duration, whichever the text is."""
    for parse in (parse_date, parse_date_time, parse_time, parse_duration):
        value = parse(text)
        if value is not None:
            return value
    return None
