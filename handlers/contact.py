"""A joint-item department contacts the person after the data push (枞人社〔2024〕62号 三（五）, 附件2 五;
吉人社联〔2024〕56号 三（六）).

Topic ``contact.person``, inputs ``department`` and ``item``; optional ``mode`` (``online`` or ``offline``),
``appointment_date`` (ISO date, computed in the diagram) and ``place``. The department reads the record the
data bureau pushed to it, tells the person how to proceed — online, or an offline appointment with date and
place — through the person's SMS, and records what it told and whether it reached the person. Where and how
each department receives people is the locality's ``contact`` setting::

    contact:
      online_channels: [online, individual]          # applicants who proceed online
      places: {housing_fund: 县公积金中心服务窗口, …}   # the department's window
      online_url: 皖事通“退休一件事”                    # where online applicants follow up

The SMS templates ``contact_online`` and ``contact_offline`` take ``{item_name}``, ``{date}``, ``{place}``,
``{online_url}``.
"""
from __future__ import annotations

import logging

from .context import HandlerError
from .notification import deliver
from .variables import iso, local_today

log = logging.getLogger(__name__)


def _item_name(ctx, code: str) -> str:
    for entry in ctx.settings.get("items") or []:
        if entry.get("code") == code:
            return entry.get("name") or code
    return code


def contact_person(ctx) -> dict:
    department = ctx.inputs.get("department")
    item = ctx.inputs.get("item")
    if not department or not item:
        raise HandlerError("contact.person needs the inputs 'department' and 'item'")
    record = ctx.ports.exchange.received(ctx.business_key, department)
    if record is None:
        raise HandlerError(f"contact.person: nothing was pushed to {department} for this case yet")
    pushed = record.get("payload") or {}
    settings = ctx.settings.get("contact") or {}
    channel = pushed.get("channel") or ctx.variables.get("channel")
    mode = ctx.inputs.get("mode") or ("online" if channel in (settings.get("online_channels") or []) else "offline")
    if mode not in ("online", "offline"):
        raise HandlerError(f"contact.person: mode must be online or offline, not {mode!r}")
    date = iso(ctx.inputs.get("appointment_date")) if mode == "offline" else None
    place = (ctx.inputs.get("place") or (settings.get("places") or {}).get(department)) if mode == "offline" else None
    if mode == "offline" and not (date and place):
        raise HandlerError(f"contact.person: an offline appointment with {department} needs a date and a place "
                           f"(input appointment_date, setting contact.places.{department})")
    values = {"name": pushed.get("name") or ctx.variables.get("name"), "item_name": _item_name(ctx, item),
              "date": date or "", "place": place or "", "online_url": settings.get("online_url", "")}
    phone = pushed.get("phone") or ctx.variables.get("phone")
    sent = deliver(ctx, f"contact_{mode}", phone, values, key_suffix=f"{department}:{item}")
    log.info("%s contacted the applicant of %s for %s: %s (%s)", department, ctx.business_key, item, mode,
             sent["status"])
    return {f"contact_{item}": {"department": department, "item": item, "mode": mode, "appointment_date": date,
                                "place": place, "told_by": "sms", "status": sent["status"],
                                "contacted_on": local_today(ctx).isoformat(),
                                "pushed_at": iso(record.get("pushed_at"))}}


HANDLERS = {"contact.person": contact_person}
