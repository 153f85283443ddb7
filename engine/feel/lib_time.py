"""Date and time functions (DMN 1.5 §10.3.4.1, 10.3.4.6-7) and ``now()``/``today()`` on the engine clock."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from .library import builtin, integer, text
from .values import (
    YearsMonthsDuration, equal, kind, number, parse_date, parse_date_time, parse_duration, parse_time,
    time_offset,
)

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _parsed(value, what):
    if value is None:
        raise ValueError(f"not a valid {what}")
    return value


@builtin("date", "from")
def f_date(v):
    k = kind(v)
    if k == "string":
        return _parsed(parse_date(v), "date")
    if k == "date":
        return v
    if k == "date and time":
        return v.date()
    raise TypeError("date() needs a string, a date or a date and time")


@builtin("date", "year, month, day")
def f_date3(y, m, d):
    return date(integer(y, "year"), integer(m, "month"), integer(d, "day"))


@builtin("date and time", "from")
def f_date_time(v):
    k = kind(v)
    if k == "string":
        return _parsed(parse_date_time(v), "date and time")
    if k == "date and time":
        return v
    if k == "date":
        return datetime(v.year, v.month, v.day)
    raise TypeError("date and time() needs a string")


@builtin("date and time", "date, time")
def f_date_time2(d, t):
    kd, kt = kind(d), kind(t)
    if kd not in ("date", "date and time") or kt != "time":
        raise TypeError("date and time(date, time) needs a date and a time")
    return datetime(d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond, tzinfo=t.tzinfo)


@builtin("time", "from")
def f_time(v):
    k = kind(v)
    if k == "string":
        return _parsed(parse_time(v), "time")
    if k == "time":
        return v
    if k == "date and time":
        return v.timetz()
    if k == "date":
        return time(0, 0, 0, tzinfo=timezone.utc)
    raise TypeError("time() needs a string, a time or a date and time")


@builtin("time", "hour, minute, second, offset?")
def f_time4(h, m, s, offset=None):
    sec = number(s)
    whole = int(sec)
    us = int((sec - whole) * 1_000_000)
    tz = None
    if offset is not None:
        if kind(offset) != "days and time duration" or abs(offset) > timedelta(hours=14):
            raise TypeError("offset must be a days and time duration within 14 hours")
        tz = timezone(offset)
    return time(integer(h, "hour"), integer(m, "minute"), whole, us, tzinfo=tz)


@builtin("duration", "from")
def f_duration(v):
    return _parsed(parse_duration(text(v, "from")), "duration")


def _months_between(a, b) -> int:
    """Whole months from ``a`` to ``b`` (negative when b is earlier)."""
    months = (b.year - a.year) * 12 + (b.month - a.month)
    ta = (a.day, a.time() if isinstance(a, datetime) else time())
    tb = (b.day, b.time() if isinstance(b, datetime) else time())
    if months > 0 and tb < ta:
        months -= 1
    elif months < 0 and tb > ta:
        months += 1
    return months


@builtin("years and months duration", "from, to")
def f_ym_duration(a, b):
    if kind(a) not in ("date", "date and time") or kind(b) not in ("date", "date and time"):
        raise TypeError("years and months duration needs two dates")
    return YearsMonthsDuration(_months_between(a, b))


def _clock_now() -> datetime:
    from engine import clock
    return clock.current().now()


@builtin("now")
def f_now():
    return _clock_now()


@builtin("today")
def f_today():
    from engine.clock import SHANGHAI
    return _clock_now().astimezone(SHANGHAI).date()


def _a_date(d) -> date:
    if kind(d) not in ("date", "date and time"):
        raise TypeError("a date is needed")
    return d if d.__class__ is date else d.date()


@builtin("day of year", "date")
def f_day_of_year(d):
    return Decimal(_a_date(d).timetuple().tm_yday)


@builtin("day of week", "date")
def f_day_of_week(d):
    return _DAYS[_a_date(d).weekday()]


@builtin("month of year", "date")
def f_month_of_year(d):
    return _MONTHS[_a_date(d).month - 1]


@builtin("week of year", "date")
def f_week_of_year(d):
    return Decimal(_a_date(d).isocalendar()[1])


@builtin("is", "value1, value2")
def f_is(a, b):
    if kind(a) != kind(b):
        return False
    if kind(a) == "time":
        return equal(a, b) is True and time_offset(a) == time_offset(b) and \
            getattr(a.tzinfo, "key", None) == getattr(b.tzinfo, "key", None)
    if kind(a) == "date and time":
        return a == b and a.utcoffset() == b.utcoffset() and \
            getattr(a.tzinfo, "key", None) == getattr(b.tzinfo, "key", None)
    return equal(a, b) is True
