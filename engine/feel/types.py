"""``x instance of T`` for the FEEL types (number, string, list<number>, context<a: number>, function<…>->…)."""
from __future__ import annotations

from .values import kind

_ALIASES = {"dayTimeDuration": "days and time duration", "yearMonthDuration": "years and months duration",
            "dateTime": "date and time", "Any": "Any", "Null": "Null"}


def is_instance(value, t) -> bool:
    _, name, args = t
    name = _ALIASES.get(name, name)
    if name == "Any":
        return value is not None
    if name == "Null":
        return value is None
    if value is None:
        return False
    k = kind(value)
    if name == "list":
        return k == "list" and (args is None or all(x is None or is_instance(x, args) for x in value))
    if name == "range":
        from .values import UNBOUNDED
        return k == "range" and (args is None or all(x is None or x is UNBOUNDED or is_instance(x, args)
                                                     for x in (value.start, value.end)))
    if name == "context":
        if k != "context":
            return False
        return args is None or all(key in value and (value[key] is None or is_instance(value[key], sub))
                                   for key, sub in args)
    if name == "function":
        if k != "function":
            return False
        if args is None:
            return True
        params = getattr(value, "params", None)
        return params is None or len(params) == len(args[0])
    return k == name
