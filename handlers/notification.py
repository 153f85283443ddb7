"""Notification: SMS to the persons reaching retirement age and to the applicant."""
from __future__ import annotations

import hashlib
import logging
import string

from .context import HandlerError
from .personal import is_valid_phone, mask_id, mask_phone, masked

log = logging.getLogger(__name__)


def _template(ctx, name: str) -> str:
    templates = (ctx.settings.get("sms") or {}).get("templates") or {}
    if name not in templates:
        raise HandlerError(f"SMS template {name!r} is not configured for {ctx.locality}")
    return templates[name]


class _KeepMissing(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render(template: str, values: dict) -> str:
    """str.format with the given values; unknown placeholders stay as written."""
    return string.Formatter().vformat(template, (), _KeepMissing(values))


def notify_upcoming(ctx) -> dict:
    quarter = ctx.variables.get("quarter") or ctx.inputs.get("quarter")
    upcoming = ctx.variables.get("upcoming") or []
    template = _template(ctx, "notify_upcoming")
    messages, sent_to, bad = [], [], []
    for person in upcoming:
        if not is_valid_phone(person.get("phone")):
            bad.append(_bad(person))
            continue
        values = {"name": person["name"], "retirement_month": person["retirement_month"], "quarter": quarter}
        messages.append({"phone": person["phone"], "business_key": ctx.business_key, "template": "notify_upcoming",
                         "text": render(template, values), "masked_text": render(template, masked(values)),
                         "idempotency_key": upcoming_key(quarter, person["id_number"])})
        sent_to.append(person)
    results = ctx.ports.sms.send_many(messages)
    notified = 0
    for person, result in zip(sent_to, results):
        if result["status"] == "sent":
            notified += 1
        else:
            bad.append(_bad(person))
    log.info("quarter %s: %d notified, %d bad phones", quarter, notified, len(bad))
    return {"notified": notified, "bad_phones": bad}


def upcoming_key(quarter: str, id_number: str) -> str:
    """One outbox row per (person, quarter) ever; the ID number itself stays out of the key."""
    return f"notify_upcoming:{quarter}:{hashlib.sha256(id_number.encode()).hexdigest()[:20]}"


def _bad(person) -> dict:
    log.info("no SMS to %s at %s", mask_id(person.get("id_number")), mask_phone(person.get("phone")))
    return {"id_number": person.get("id_number"), "name": person.get("name"), "phone": person.get("phone")}


def send_sms(ctx) -> dict:
    name = ctx.inputs.get("template") or ctx.variables.get("template")
    if not name:
        raise HandlerError("notification.send_sms needs the input 'template'")
    phone = ctx.inputs.get("phone") or ctx.variables.get("phone")
    if not is_valid_phone(phone):
        log.info("applicant phone %s is not a mobile number; %s not sent", mask_phone(phone), name)
        return {"sms": {"template": name, "status": "invalid_phone"}}
    values = {"business_key": ctx.business_key, "locality": ctx.locality, **ctx.variables, **ctx.inputs}
    template = _template(ctx, name)
    result = ctx.ports.sms.send(phone, render(template, values), ctx.business_key, ctx.idempotency_key,
                                template=name, masked_text=render(template, masked(values)))
    return {"sms": {"template": name, "status": result["status"]}}


HANDLERS = {
    "notification.notify_upcoming": notify_upcoming,
    "notification.send_sms": send_sms,
}
