"""Reading the case from the context: required variables, civil dates, the person, stable references."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta, timezone

from .context import BusinessRuleViolation, HandlerError
from .months import as_date, month_of
from .personal import InvalidIdNumber, birth_date_from_id, validate_id

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def require(ctx, name: str):
    value = ctx.variables.get(name)
    if value in (None, ""):
        raise HandlerError(f"{ctx.topic}: process variable {name!r} is missing")
    return value


def setting(ctx, section: str, key: str, default=..., *, on: date | None = None):
    """A locality parameter; a dated one (a list of ``{from: YYYY-MM-DD, value: …}``) gives the value in force
    on ``on`` — by default the case's retirement date, else today."""
    value = (ctx.settings.get(section) or {}).get(key, default)
    if value is ...:
        raise HandlerError(f"{ctx.topic}: locality setting {section}.{key} is missing for {ctx.locality}")
    if not is_dated(value):
        return value
    day = on or as_date(ctx.variables.get("retirement_date")) or local_today(ctx)
    in_force = [v for v in value if as_date(v["from"]) <= day]
    if not in_force:
        first = min(as_date(v["from"]) for v in value)
        raise HandlerError(f"{ctx.topic}: locality setting {section}.{key} of {ctx.locality} has no value in force "
                           f"on {day.isoformat()} (the first applies from {first.isoformat()})")
    return max(in_force, key=lambda v: as_date(v["from"]))["value"]


def is_dated(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "from" in v for v in value)


def local_today(ctx) -> date:
    now = ctx.now
    if now.tzinfo is not None:
        now = now.astimezone(CHINA)
    return now.date()


def id_number(ctx) -> str:
    try:
        return validate_id(require(ctx, "id_number"))
    except InvalidIdNumber as exc:
        raise BusinessRuleViolation("invalid_id_number", str(exc)) from exc


def effective_birth_date(ctx, person: dict | None) -> date:
    """The birth date after hrss.verify_birth_date, else the file's earliest, else the ID card's."""
    checked = (ctx.variables.get("birth_check") or {}).get("effective")
    if checked:
        return as_date(checked)
    if person and person.get("birth_date_file"):
        return as_date(person["birth_date_file"])
    return birth_date_from_id(id_number(ctx))


def retirement_month(ctx) -> str:
    if ctx.variables.get("retirement_date"):
        return month_of(as_date(ctx.variables["retirement_date"]))
    statutory = ctx.variables.get("statutory") or {}
    if statutory.get("retirement_month"):
        return month_of(statutory["retirement_month"])
    raise HandlerError(f"{ctx.topic}: neither retirement_date nor statutory.retirement_month is set")


def reference(prefix: str, *parts: str) -> str:
    """A stable document number derived from what identifies the record (e.g. the business key)."""
    digest = hashlib.sha1("|".join(parts).encode()).hexdigest()[:10].upper()
    return f"{prefix}{digest}"


def iso(value) -> str | None:
    parsed = as_date(value)
    return parsed.isoformat() if parsed else None
