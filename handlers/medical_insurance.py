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


PARAMETERS = ("min_total_months_male", "min_total_months_female", "min_actual_months", "min_local_months",
              "deemed_counts", "lump_sum_allowed")
DEFAULTS = {"min_actual_months": 0, "min_local_months": 0, "deemed_counts": True, "lump_sum_allowed": True}


def check_retiree_years(ctx) -> dict:
    """The retiree_medical_eligibility table over the locality's parameters in force on the retirement date."""
    number = id_number(ctx)
    account = _account(ctx, number)
    sex = ctx.variables.get("sex") or sex_from_id(number)
    params = {name: setting(ctx, "medical", name, DEFAULTS.get(name, ...)) for name in PARAMETERS}
    actual, deemed, local = (int(account.get(k) or 0) for k in ("actual_months", "deemed_months", "local_months"))
    try:
        verdict = ctx.decide("retiree_medical_eligibility", {
            **params, "sex": "male" if sex == "male" else "female",
            "actual_months": actual, "deemed_months": deemed, "local_months": local})
    except LookupError as exc:
        raise HandlerError(f"decision retiree_medical_eligibility unavailable for {ctx.locality}: {exc}") from exc
    shortfall = int(verdict["shortfall_months"] or 0)
    base = setting(ctx, "medical", "top_up_base_monthly", None) or setting(ctx, "pension", "base_monthly", None)
    if shortfall and base is None:
        raise HandlerError("locality setting medical.top_up_base_monthly (or pension.base_monthly) is missing")
    due = to_fen(dec(base or 0) * dec(setting(ctx, "medical", "monthly_top_up_rate", 0)) * shortfall)
    minimum_total = params[f"min_total_months_{'male' if sex == 'male' else 'female'}"]
    return {"medical": {"total_months": actual + (deemed if params["deemed_counts"] else 0), "actual_months": actual,
                        "local_months": local, "minimum_total_months": int(minimum_total),
                        "shortfall_months": shortfall, "top_up_due": str(due), "outcome": verdict["outcome"],
                        "lump_sum_allowed": bool(params["lump_sum_allowed"]), "eligible": bool(verdict["eligible"])}}


def record_top_up(ctx) -> dict:
    medical = require(ctx, "medical")
    if not setting(ctx, "medical", "lump_sum_allowed", True):
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
    since = as_date(ctx.variables.get("retired_on") or ctx.variables.get("retirement_date")) or local_today(ctx)
    row = ctx.ports.medical.switch_to_retiree(number, since, ctx.idempotency_key)
    return {"medical_retiree": {"since": iso(row["since"])}}


HANDLERS = {
    "medical_insurance.check_retiree_years": check_retiree_years,
    "medical_insurance.record_top_up": record_top_up,
    "medical_insurance.switch_to_retiree": switch_to_retiree,
}
