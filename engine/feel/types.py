"""``x instance of T`` for the FEEL types (number, string, list<number>, context<a: number>, function<…>->…)."""
from __future__ import annotations

from .values import kind

_ALIASES = {"dayTimeDuration": "days and time duration", "yearMonthDuration": "years and months duration",
            "dateTime": "date and time", "Any": "Any", "Null": "Null"}


BUILTIN_TYPES = frozenset({"number", "string", "boolean", "date", "time", "date and time",
                           "days and time duration", "years and months duration", "list", "context", "range",
                           "function", "Any", "Null"})


def is_instance(value, t, types=None) -> bool:
    """``types`` maps the names of a model's own types (DMN itemDefinitions) to predicates."""
    _, name, args = t
    name = _ALIASES.get(name, name)
    if name not in BUILTIN_TYPES and types and name in types:
        return value is not None and types[name](value) is True
    if name == "Any":
        return value is not None
    if name == "Null":
        return value is None
    if value is None:
        return False
    k = kind(value)
    if name == "list":
        return k == "list" and (args is None or all(x is None or is_instance(x, args, types) for x in value))
    if name == "range":
        from .values import UNBOUNDED
        return k == "range" and (args is None or all(x is None or x is UNBOUNDED or is_instance(x, args, types)
                                                     for x in (value.start, value.end)))
    if name == "context":
        if k != "context":
            return False
        return args is None or all(key in value and (value[key] is None or is_instance(value[key], sub, types))
                                   for key, sub in args)
    if name == "function":
        if k != "function":
            return False
        if args is None:
            return True
        params = getattr(value, "params", None)
        return params is None or len(params) == len(args[0])
    return k == name
