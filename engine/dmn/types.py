"""Type references: built-in FEEL types and item definitions, and what a value must be to conform.

DMN 1.3+: a decision result or input that does not conform to its declared type is null. A text for a
date, time or date-time typed input (as process variables hold them) is read as that type first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

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
    from .values import coerce
    try:
        if t == "date":
            return coerce(value, "date")
        if t in ("dateTime", "date and time"):
            return datetime.fromisoformat(value.strip())
        if t == "time":
            return time.fromisoformat(value.strip())
    except ValueError:
        return value
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
