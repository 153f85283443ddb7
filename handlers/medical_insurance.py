"""医保 (medical_insurance): retiree minimum years, lump-sum top-up, switch to retiree status."""
from __future__ import annotations

from .context import BusinessRuleViolation, HandlerError
from .months import as_date
from .pension_math import dec, to_fen
from .personal import sex_from_id
from .variables import id_number, iso, local_today, reference, require, setting


def _account(ctx, number):
    account = ctx.ports.medical.account(number)
    if account is None:
        raise BusinessRuleViolation("no_medical_account", "the person has no employee medical insurance record")
    return account


def check_retiree_years(ctx) -> dict:
    number = id_number(ctx)
    account = _account(ctx, number)
    rules = ctx.settings.get("medical") or {}
    sex = ctx.variables.get("sex") or sex_from_id(number)
    actual, deemed, local = (int(account.get(k) or 0) for k in ("actual_months", "deemed_months", "local_months"))
    total = actual + (deemed if rules.get("deemed_counts", True) else 0)
    minimum_total = int(setting(ctx, "medical", f"min_total_months_{'male' if sex == 'male' else 'female'}"))
    shortfall = max(minimum_total - total, int(rules.get("min_actual_months", 0)) - actual,
                    int(rules.get("min_local_months", 0)) - local, 0)
    base = rules.get("top_up_base_monthly") or (ctx.settings.get("pension") or {}).get("base_monthly")
    if shortfall and base is None:
        raise HandlerError("locality setting medical.top_up_base_monthly (or pension.base_monthly) is missing")
    due = to_fen(dec(base or 0) * dec(rules.get("monthly_top_up_rate", 0)) * shortfall)
    return {"medical": {"total_months": total, "actual_months": actual, "local_months": local,
                        "minimum_total_months": minimum_total, "shortfall_months": shortfall,
                        "top_up_due": str(due), "lump_sum_allowed": bool(rules.get("lump_sum_allowed", True)),
                        "eligible": shortfall == 0}}


def record_top_up(ctx) -> dict:
    medical = require(ctx, "medical")
    if not (ctx.settings.get("medical") or {}).get("lump_sum_allowed", True):
        raise BusinessRuleViolation("lump_sum_not_allowed", "this locality does not accept a lump-sum top-up")
    row = ctx.ports.medical.record_top_up({
        "reference": reference("YB", ctx.locality, ctx.business_key), "business_key": ctx.business_key,
        "id_number": id_number(ctx), "months": int(medical["shortfall_months"]),
        "amount": to_fen(dec(medical["top_up_due"])), "paid_on": local_today(ctx),
    }, ctx.idempotency_key)
    return {"medical_top_up": {"reference": row["reference"], "months": int(row["months"]),
                               "amount": str(to_fen(dec(row["amount"]))), "paid_on": iso(row["paid_on"])}}


def switch_to_retiree(ctx) -> dict:
    number = id_number(ctx)
    _account(ctx, number)
    since = as_date(ctx.variables.get("retirement_date")) or local_today(ctx)
    row = ctx.ports.medical.switch_to_retiree(number, since, ctx.idempotency_key)
    return {"medical_retiree": {"since": iso(row["since"])}}


HANDLERS = {
    "medical_insurance.check_retiree_years": check_retiree_years,
    "medical_insurance.record_top_up": record_top_up,
    "medical_insurance.switch_to_retiree": switch_to_retiree,
}
