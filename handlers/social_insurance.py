"""社保 (social_insurance): upcoming retirees, contribution check, pension computation and award."""
from __future__ import annotations

import logging

from . import contribution_history as history
from .context import BusinessRuleViolation, HandlerError
from .decisions import CachedDecision, decide
from .localities import subtree_prefix
from .months import months_after, as_date, month_index, month_of, months_between, next_quarter, normalise_quarter, quarter_months
from .pension_math import account_pension, basic_pension, dec, to_fen, transitional_pension
from .variables import effective_birth_date, id_number, local_today, reference, require, retirement_month, setting

log = logging.getLogger(__name__)


def list_upcoming(ctx) -> dict:
    quarter = ctx.inputs.get("quarter") or ctx.variables.get("quarter") or next_quarter(local_today(ctx))
    quarter = normalise_quarter(quarter)
    first, last = (month_index(m) for m in quarter_months(quarter))
    statutory = CachedDecision(ctx, "statutory_retirement_age")
    upcoming = []
    for person in ctx.ports.roster.in_locality(subtree_prefix(ctx.locality)):
        birth = as_date(person.get("birth_date_file") or person["birth_date_id_card"])
        outputs = statutory(category=person["category"], birth_month=month_of(birth))
        month = month_of(outputs["retirement_month"])
        if first <= month_index(month) <= last:
            upcoming.append({"id_number": person["id_number"], "name": person["name"],
                             "phone": person.get("phone"), "retirement_month": month})
    upcoming.sort(key=lambda p: (p["retirement_month"], p["id_number"]))
    log.info("%s %s: %d persons reach retirement age (%d decisions)", ctx.locality, quarter,
             len(upcoming), statutory.evaluations)
    return {"upcoming": upcoming, "quarter": quarter}


def check_contributions(ctx) -> dict:
    number = id_number(ctx)
    periods = ctx.ports.contributions.periods(number)
    account = ctx.ports.pension.account(number) or {}
    arrears_months, arrears_amount = history.arrears(periods)
    actual, deemed = history.actual_months(periods), history.deemed_months(periods)
    minimum = _minimum_months(ctx, _minimum_year(ctx))
    status = account.get("status", "stopped" if not periods else "active")
    return {"contribution_check": {
        "status": status, "arrears_months": arrears_months, "arrears_amount": str(to_fen(arrears_amount)),
        "interruptions": history.interruptions(periods),
        "accounts_to_consolidate": history.outside_localities(periods, ctx.locality),
        "actual_months": actual, "deemed_months": deemed, "total_months": actual + deemed,
        "minimum_months": minimum, "ok": actual + deemed >= minimum and arrears_months == 0,
    }}


def _minimum_year(ctx) -> int:
    """The year whose minimum applies: ``minimum_year`` when flexible retirement fixed one
    (flexible_retirement_request), else the year of the retirement date."""
    chosen = ctx.inputs.get("minimum_year") or ctx.variables.get("minimum_year")
    return int(chosen) if chosen else _retirement_year(ctx)


def _retirement_year(ctx) -> int:
    try:
        return month_index(retirement_month(ctx)) // 12
    except HandlerError:
        return local_today(ctx).year


def _minimum_months(ctx, year: int) -> int:
    return int(decide(ctx, "minimum_contribution_months", {"retirement_year": year})["months"])


def compute_pension(ctx) -> dict:
    number = id_number(ctx)
    person = ctx.ports.roster.get(number)
    periods = ctx.ports.contributions.periods(number)
    account = ctx.ports.pension.account(number)
    if account is None:
        raise BusinessRuleViolation("no_pension_account", "no individual pension account for this person")
    age = months_between(month_of(effective_birth_date(ctx, person)), retirement_month(ctx))
    years, months = divmod(age, 12)
    divisor = dec(decide(ctx, "pension_divisor", {"age_years": years, "age_months": months})["months"])
    base = dec(setting(ctx, "pension", "base_monthly"))
    coefficient = dec(setting(ctx, "pension", "transitional_coefficient"))
    index = history.average_index(periods)
    actual, deemed = history.actual_months(periods), history.deemed_months(periods)
    basic = basic_pension(base, index, actual + deemed)
    from_account = account_pension(account["balance"], divisor)
    transitional = transitional_pension(base, index, deemed, coefficient)
    return {"pension": {
        "basic": str(basic), "account": str(from_account), "transitional": str(transitional),
        "monthly_total": str(basic + from_account + transitional), "divisor": str(divisor),
        "years": str(to_fen(dec(actual + deemed) / 12)), "average_index": str(index.quantize(dec("0.0001"))),
    }}


def award_pension(ctx) -> dict:
    pension = require(ctx, "pension")
    offset = int(setting(ctx, "pension", "first_payment_offset_months"))
    row = ctx.ports.pension.award({
        "award_no": reference("YL", ctx.locality, ctx.business_key), "business_key": ctx.business_key,
        "id_number": id_number(ctx), "first_payment_month": months_after(retirement_month(ctx), offset),
        "monthly_total": str(to_fen(dec(pension["monthly_total"]))), "details": pension,
        "awarded_on": local_today(ctx),
    }, ctx.idempotency_key)
    return {"pension_award": {"award_no": row["award_no"], "first_payment_month": row["first_payment_month"],
                              "monthly_total": str(to_fen(dec(row["monthly_total"])))}}


HANDLERS = {
    "social_insurance.list_upcoming": list_upcoming,
    "social_insurance.check_contributions": check_contributions,
    "social_insurance.compute_pension": compute_pension,
    "social_insurance.award_pension": award_pension,
}
