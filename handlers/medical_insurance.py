"""医保 (medical_insurance): retiree minimum years, lump-sum top-up, switch to retiree status."""
from __future__ import annotations

from .context import BusinessRuleViolation
from .decisions import decide
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
              "deemed_counts", "lump_sum_allowed")   # the locality's settings ``medical`` (processes/…/settings.yaml)


def check_retiree_years(ctx) -> dict:
    """The retiree_medical_eligibility table over the locality's parameters in force on the retirement date."""
    number = id_number(ctx)
    account = _account(ctx, number)
    sex = ctx.variables.get("sex") or sex_from_id(number)
    params = {name: setting(ctx, "medical", name) for name in PARAMETERS}
    actual, deemed, local = (int(account.get(k) or 0) for k in ("actual_months", "deemed_months", "local_months"))
    verdict = decide(ctx, "retiree_medical_eligibility", {
        **params, "sex": "male" if sex == "male" else "female",
        "actual_months": actual, "deemed_months": deemed, "local_months": local})
    shortfall = int(verdict["shortfall_months"] or 0)
    base, rate = (dec(setting(ctx, "medical", name)) for name in ("top_up_base_monthly", "monthly_top_up_rate"))
    due = to_fen(base * rate * shortfall)
    minimum_total = params[f"min_total_months_{'male' if sex == 'male' else 'female'}"]
    return {"medical": {"total_months": actual + (deemed if params["deemed_counts"] else 0), "actual_months": actual,
                        "local_months": local, "minimum_total_months": int(minimum_total),
                        "shortfall_months": shortfall, "top_up_due": str(due), "outcome": verdict["outcome"],
                        "lump_sum_allowed": bool(params["lump_sum_allowed"]), "eligible": bool(verdict["eligible"])}}


def record_top_up(ctx) -> dict:
    medical = require(ctx, "medical")
    if not setting(ctx, "medical", "lump_sum_allowed"):
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
