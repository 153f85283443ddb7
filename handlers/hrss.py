"""人社局 (hrss): birth-date check, acceptance, monthly batch submission, approval, deemed years."""
from __future__ import annotations

import logging

from .context import HandlerError
from .decisions import decide
from .months import months_after, as_date, month_of, months_inclusive
from .personal import birth_date_from_id, mask_id
from .variables import id_number, iso, local_today, reference, require, setting

log = logging.getLogger(__name__)


def verify_birth_date(ctx) -> dict:
    number = id_number(ctx)
    person = ctx.ports.roster.get(number) or {}
    id_card = birth_date_from_id(number)
    file_earliest = as_date(person.get("birth_date_file"))

    result = decide(ctx, "birth_date_source",  # domain.md §2.4, as the locality's table words it
                    {"id_card_birth_date": id_card.isoformat(), "file_earliest_birth_date": iso(file_earliest)})
    effective = as_date(result["effective_birth_date"])
    mismatch = bool(result["mismatch"])
    if mismatch:
        log.info("birth date of %s differs between ID card and file", mask_id(number))
    return {"birth_check": {"id_card": id_card.isoformat(), "file_earliest": iso(file_earliest),
                            "effective": effective.isoformat(), "mismatch": mismatch}}


def register_acceptance(ctx) -> dict:
    channel = require(ctx, "channel")
    groups = setting(ctx, "acceptance", "batch_groups")
    if channel not in groups:
        raise HandlerError(f"受理渠道 {channel} 未配置报送组; locality setting acceptance.batch_groups of {ctx.locality} "
                           f"names no monthly submission group for channel {channel!r}")
    today = local_today(ctx)
    row = ctx.ports.hrss.accept({
        "business_key": ctx.business_key, "id_number": id_number(ctx), "channel": channel,
        "batch_group": groups[channel], "accepted_on": today,
        "batch_month": month_of(today), "locality": ctx.locality,
    }, ctx.idempotency_key)
    return {"acceptance": {"accepted_on": iso(row["accepted_on"]), "batch_group": row["batch_group"],
                           "batch_month": row["batch_month"]}}


def submit_monthly_batch(ctx) -> dict:
    group = ctx.inputs.get("batch_group") or require(ctx, "batch_group")
    period = ctx.inputs.get("period") or ctx.variables.get("period") or months_after(local_today(ctx), -1)
    period = month_of(period)
    batch = ctx.ports.hrss.submit_batch(group, period, ctx.now, ctx.idempotency_key)
    submitted_on = iso(batch["submitted_at"])
    for business_key in batch["business_keys"]:
        ctx.send_message("materials_submitted", business_key,
                         {"batch_group": group, "period": period, "submitted_on": submitted_on})
    log.info("batch %s %s: %d acceptances submitted", group, period, len(batch["business_keys"]))
    return {"batch": {"group": group, "period": period, "count": len(batch["business_keys"])}}


def record_approval(ctx) -> dict:
    retirement_date = as_date(require(ctx, "retirement_date"))
    row = ctx.ports.hrss.approve({
        "approval_no": reference("TX", ctx.locality, ctx.business_key),
        "business_key": ctx.business_key, "id_number": id_number(ctx),
        "retirement_date": retirement_date, "retirement_type": ctx.variables.get("retirement_type", "normal"),
        "approved_on": local_today(ctx), "locality": ctx.locality,
    }, ctx.idempotency_key)
    return {"approval": {"approval_no": row["approval_no"], "retirement_date": iso(row["retirement_date"]),
                         "retirement_type": row["retirement_type"], "approved_on": iso(row["approved_on"])}}


def certify_deemed_years(ctx) -> dict:
    deemed = [p for p in ctx.ports.contributions.periods(id_number(ctx)) if p["kind"] == "deemed"]
    months = sum(months_inclusive(p["start_month"], p["end_month"]) for p in deemed)
    until = max((month_of(p["end_month"]) for p in deemed), default=None)
    return {"deemed": {"months": months, "until": until}}


HANDLERS = {
    "hrss.verify_birth_date": verify_birth_date,
    "hrss.register_acceptance": register_acceptance,
    "hrss.submit_monthly_batch": submit_monthly_batch,
    "hrss.record_approval": record_approval,
    "hrss.certify_deemed_years": certify_deemed_years,
}
