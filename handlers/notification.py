"""Notification: SMS to the persons reaching retirement age and to the applicant."""
from __future__ import annotations

import hashlib
import logging
import string

from .context import BusinessRuleViolation, HandlerError
from . import progress_link
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


def placeholders(template: str) -> list[str]:
    """The ``{name}`` placeholders of a template, in order."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def unfilled(template: str, values: dict) -> list[str]:
    """Placeholders the values leave missing or empty (a text with an empty month is never sent)."""
    return [p for p in placeholders(template) if values.get(p) in (None, "")]


def deliver(ctx, name: str, phone: str | None, values: dict, key_suffix: str = "") -> dict:
    """Send template ``name`` to ``phone``, every placeholder filled, stamped with the engine's clock →
    {template, status: sent | undeliverable | invalid_phone}. A placeholder left empty is a HandlerError."""
    template = _template(ctx, name)
    values = {"business_key": ctx.business_key, "locality": ctx.locality, **values}
    shown = {}
    if "progress_link" in placeholders(template):   # the applicant's own page; the outbox lists it without token
        values["progress_link"] = progress_link.link(ctx.business_key, ctx.instance_id, ctx.now)
        shown["progress_link"] = progress_link.page_url() + "?t=…"
    if not is_valid_phone(phone):
        log.info("phone %s is not a mobile number; %s not sent", mask_phone(phone), name)
        return {"template": name, "status": "invalid_phone"}
    missing = unfilled(template, values)
    if missing:
        raise HandlerError(f"SMS template {name!r} of {ctx.locality}: no value for {', '.join(missing)}")
    key = f"{ctx.idempotency_key}:{key_suffix}" if key_suffix else ctx.idempotency_key
    result = ctx.ports.sms.send(phone, render(template, values), ctx.business_key, key, template=name,
                                masked_text=render(template, masked(values)), sent_at=ctx.now)
    return {"template": name, "status": result["status"]}


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
        missing = unfilled(template, values)
        if missing:
            raise HandlerError(f"SMS template 'notify_upcoming' of {ctx.locality}: no value for {', '.join(missing)}")
        messages.append({"phone": person["phone"], "business_key": ctx.business_key, "template": "notify_upcoming",
                         "text": render(template, values), "masked_text": render(template, masked(values)),
                         "idempotency_key": upcoming_key(quarter, person["id_number"]), "sent_at": ctx.now})
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
    return {"id_number": person.get("id_number"), "name": person.get("name"), "phone": person.get("phone"),
            "retirement_month": person.get("retirement_month")}


def send_sms(ctx) -> dict:
    name = ctx.inputs.get("template") or ctx.variables.get("template")
    if not name:
        raise HandlerError("notification.send_sms needs the input 'template'")
    phone = ctx.inputs.get("phone") or ctx.variables.get("phone")
    return {"sms": deliver(ctx, name, phone, {**ctx.variables, **ctx.inputs})}


def correct_phone(ctx) -> dict:
    """Save a verified phone to the roster (附件2 一: 社区、乡镇社保所、社银合作窗口 maintain it), with who and when."""
    number = ctx.inputs.get("id_number") or ctx.variables.get("id_number")
    phone = ctx.inputs.get("phone")
    who = ctx.inputs.get("changed_by") or ctx.variables.get("completed_by")
    if not number or not who:
        raise HandlerError("notification.correct_phone needs the person's id_number and who corrected the phone")
    if not is_valid_phone(phone):
        raise BusinessRuleViolation("invalid_phone", f"{mask_phone(phone)} is not a mobile number")
    row = ctx.ports.roster.correct_phone(number, phone.strip(), who, ctx.now, ctx.inputs.get("how"),
                                         ctx.idempotency_key)
    log.info("phone of %s corrected to %s by %s", mask_id(number), mask_phone(phone), who)
    return {"phone_change": {"phone": row["phone"], "changed_by": row["changed_by"],
                             "changed_at": ctx.now.isoformat()}}


HANDLERS = {
    "notification.correct_phone": correct_phone,
    "notification.notify_upcoming": notify_upcoming,
    "notification.send_sms": send_sms,
}


def application_received(ports, settings: dict, business_key: str, instance_id: str, name: str, phone: str | None,
                         now) -> dict:
    """The SMS that tells the applicant the application is accepted, with the link to their progress page
    (template ``application_received``; none configured or no mobile number: nothing is sent)."""
    template = ((settings.get("sms") or {}).get("templates") or {}).get("application_received")
    if not template or not is_valid_phone(phone):
        return {"template": "application_received", "status": "not_sent"}
    values = {"name": name, "business_key": business_key,
              "progress_link": progress_link.link(business_key, instance_id, now)}
    shown = {**masked(values), "progress_link": progress_link.page_url() + "?t=…"}
    result = ports.sms.send(phone, render(template, values), business_key, f"application_received:{business_key}",
                            template="application_received", masked_text=render(template, shown), sent_at=now)
    return {"template": "application_received", "status": result["status"]}
