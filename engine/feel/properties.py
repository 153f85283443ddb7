"""Properties of FEEL values: ``d.year``, ``d.weekday``, ``t.time offset``, ``r.start included`` …"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .values import Range, YearsMonthsDuration, time_offset, zone_name

MISSING = object()


def _offset(tz, v):
    if tz is None:
        return None
    if hasattr(tz, "key"):
        return v.utcoffset() if isinstance(v, datetime) else time_offset(v)
    return tz.utcoffset(None)


def _timezone(tz):
    return tz.key if hasattr(tz, "key") else None


def _date_props(d, name):
    if name == "year":
        return Decimal(d.year)
    if name == "month":
        return Decimal(d.month)
    if name == "day":
        return Decimal(d.day)
    if name == "weekday":
        return Decimal(d.isoweekday())
    return MISSING


def _time_props(t, name, whole):
    if name == "hour":
        return Decimal(t.hour)
    if name == "minute":
        return Decimal(t.minute)
    if name == "second":
        return Decimal(t.second) + (Decimal(t.microsecond) / Decimal(1_000_000) if t.microsecond else 0)
    if name == "time offset":
        return _offset(whole.tzinfo, whole)
    if name == "timezone":
        return _timezone(whole.tzinfo) if whole.tzinfo is not None else None
    return MISSING


def get_property(v, name: str):
    c = v.__class__
    if c is date:
        return _date_props(v, name)
    if c is datetime:
        r = _date_props(v, name)
        return r if r is not MISSING else _time_props(v, name, v)
    if c is time:
        return _time_props(v, name, v)
    if c is YearsMonthsDuration:
        m = v.months
        sign = -1 if m < 0 else 1
        if name == "years":
            return Decimal(sign * (abs(m) // 12))
        if name == "months":
            return Decimal(sign * (abs(m) % 12))
        return MISSING
    if c is timedelta:
        total = v // timedelta(microseconds=1)
        sign = -1 if total < 0 else 1
        total = abs(total)
        secs = total // 1_000_000
        if name == "days":
            return Decimal(sign * (secs // 86400))
        if name == "hours":
            return Decimal(sign * (secs % 86400 // 3600))
        if name == "minutes":
            return Decimal(sign * (secs % 3600 // 60))
        if name == "seconds":
            return Decimal(sign * (secs % 60))
        return MISSING
    if c is Range:
        from .values import UNBOUNDED
        return {"start": None if v.start is UNBOUNDED else v.start,
                "end": None if v.end is UNBOUNDED else v.end, "start included": v.start_included,
                "end included": v.end_included}.get(name, MISSING)
    return MISSING


__all__ = ["get_property", "MISSING", "zone_name"]
