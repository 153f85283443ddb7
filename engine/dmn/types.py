"""Type references: built-in FEEL types and item definitions, and what a value must be to conform.

DMN 1.3+: a decision result or input that does not conform to its declared type is null. A text for a
date, time or date-time typed input (as process variables hold them) is read as that type first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from engine.feel import from_python

BUILTIN = {"number", "string", "boolean", "date", "time", "dateTime", "date and time", "dayTimeDuration",
           "yearMonthDuration", "days and time duration", "years and months duration", "duration", "Any",
           "context", "list", "function", "range"}


@dataclass
class TypeDef:
    name: str
    base: str | None = None              # a typeRef
    allowed: Any = None                  # fn(value, ctx) -> bool | None
    components: dict = field(default_factory=dict)   # name -> TypeDef
    is_collection: bool = False


def _strip(type_ref: str | None) -> str | None:
    if not type_ref:
        return None
    t = type_ref.strip()
    if t.startswith("feel:"):
        t = t[5:]
    return t


def _is_kind(value, t: str) -> bool | None:
    """True / False for a built-in type, None when ``t`` is not one."""
    if t in ("number", "integer", "long", "double", "decimal", "int"):
        return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)
    if t == "string":
        return isinstance(value, str)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "date":
        return isinstance(value, date) and not isinstance(value, datetime)
    if t in ("dateTime", "date and time"):
        return isinstance(value, datetime)
    if t == "time":
        return isinstance(value, time)
    if t in ("dayTimeDuration", "days and time duration"):
        return isinstance(value, timedelta)
    if t in ("yearMonthDuration", "years and months duration"):
        return hasattr(value, "months") and not isinstance(value, (date, time))
    if t == "duration":
        return isinstance(value, timedelta) or (hasattr(value, "months") and not isinstance(value, (date, time)))
    if t == "Any":
        return True
    if t == "context":
        return isinstance(value, dict)
    if t == "list":
        return isinstance(value, list)
    return None


def _from_text(value: str, t: str):
    if t not in ("date", *_PARSERS):
        return value
    try:
        return coerce(value, t)
    except ValueError:
        return value


def conform(value, type_ref, model, namespace, coerce_text: bool = False):
    """``value`` when it conforms to ``type_ref``, else null (None)."""
    t = _strip(type_ref)
    if value is None or not t:
        return value
    if coerce_text and isinstance(value, str):
        value = _from_text(value, t)
    known = _is_kind(value, t)
    if known is not None:
        return value if known else _singleton(value, t)
    typedef = model.types.get((namespace, t)) or model.types.get((None, t))
    if typedef is None:
        return value
    return _conform_def(value, typedef, model, namespace, coerce_text)


def _singleton(value, t):
    if isinstance(value, list) and len(value) == 1 and _is_kind(value[0], t):
        return value[0]
    return None


def _conform_def(value, typedef: TypeDef, model, namespace, coerce_text):
    if typedef.is_collection:
        if not isinstance(value, list):
            return None
        item = TypeDef(typedef.name, typedef.base, typedef.allowed, typedef.components, False)
        out = [_conform_def(v, item, model, namespace, coerce_text) if v is not None else None for v in value]
        return None if any(o is None and v is not None for o, v in zip(out, value)) else out
    if typedef.components:
        if not isinstance(value, dict):
            return None
        out = dict(value)
        for name, comp in typedef.components.items():
            if name in value and value[name] is not None:
                got = _conform_def(value[name], comp, model, namespace, coerce_text)
                if got is None:
                    return None
                out[name] = got
        return out
    if typedef.base:
        value = conform(value, typedef.base, model, namespace, coerce_text)
        if value is None:
            return None
    if typedef.allowed is not None and typedef.allowed(value, {}) is not True:
        return None
    return value


# ---- a table input column's typeRef -------------------------------------------------------------

_NUMBER = ("number", "integer", "long", "double", "decimal", "int")
_PARSERS = {"dateTime": "date and time", "date and time": "date and time", "time": "time",
            "dayTimeDuration": "duration", "yearMonthDuration": "duration", "duration": "duration",
            "days and time duration": "duration", "years and months duration": "duration"}


def coerce(value, type_ref: str | None):
    """A process value read for a table column of type ``type_ref`` as a FEEL value; ValueError if it can't be.

    Texts become dates, date-times, times and durations for such columns (process variables hold them as
    ISO text); ints and floats become Decimals."""
    c = value.__class__
    if c is str and (type_ref == "string" or not type_ref):
        return value
    value = from_python(value)
    t = _strip(type_ref)
    if value is None or not t:
        return value
    if t in _NUMBER:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except ArithmeticError:
                raise ValueError(f"{value!r} is not a number") from None
            if not number.is_finite():
                raise ValueError(f"{value!r} is not a number")
        else:
            raise ValueError(f"{value!r} is not a number")
        if t in ("integer", "long", "int") and number != number.to_integral_value():
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
    if t in _PARSERS and isinstance(value, str):
        from engine.feel import evaluate
        parsed = evaluate(f"{_PARSERS[t]}(x)", {"x": value.strip()})
        if parsed is None or _is_kind(parsed, t) is False:
            raise ValueError(f"{value!r} is not an ISO {t.replace('dateTime', 'date-time')}")
        return parsed
    if t in _PARSERS and _is_kind(value, t) is False:
        raise ValueError(f"{value!r} is not a {t}")
    return value


def display(value) -> str:
    """A value the way a policy officer writes it in a table."""
    from engine.feel import format_value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, Decimal) or isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if value.__class__ is date:
        return f'date("{value.isoformat()}")'
    return format_value(value)
