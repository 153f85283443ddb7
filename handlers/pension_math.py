"""Pension arithmetic (domain.md §3): basic, individual-account and transitional pension, divisor.

All amounts are Decimal; results are rounded to the fen with ROUND_HALF_UP. Parameters (base,
coefficient) come from the locality settings, never from here.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
TENTH = Decimal("0.1")

# 计发月数 by integer retirement age, 国发〔2005〕38号 annex (47 → 207, see domain.md §3.2).
DIVISOR_BY_AGE = {
    40: 233, 41: 230, 42: 226, 43: 223, 44: 220, 45: 216, 46: 212, 47: 207, 48: 204, 49: 199,
    50: 195, 51: 190, 52: 185, 53: 180, 54: 175, 55: 170, 56: 164, 57: 158, 58: 152, 59: 145,
    60: 139, 61: 132, 62: 125, 63: 117, 64: 109, 65: 101, 66: 93, 67: 84, 68: 75, 69: 65,
    70: 56,
}


def dec(value) -> Decimal:
    """Decimal from a Decimal, int, or text; floats go through their repr (never binary noise)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def years_of(months: int) -> Decimal:
    return Decimal(months) / Decimal(12)


def basic_pension(base, avg_index, contribution_months: int) -> Decimal:
    """基础养老金 = base × (1 + avg_index) / 2 × years × 1%."""
    return to_fen(dec(base) * (1 + dec(avg_index)) / 2 * years_of(contribution_months) / 100)


def account_pension(balance, divisor) -> Decimal:
    """个人账户养老金 = balance ÷ 计发月数."""
    return to_fen(dec(balance) / dec(divisor))


def transitional_pension(base, avg_index, deemed_months: int, coefficient) -> Decimal:
    """过渡性养老金 = base × avg_index × deemed years × coefficient (a fraction, e.g. 0.013)."""
    return to_fen(dec(base) * dec(avg_index) * years_of(deemed_months) * dec(coefficient))


def divisor_for_age(age_years: int, age_months: int = 0) -> Decimal:
    """计发月数 by age to the month: linear between integer ages, half-up to 0.1 (§3.3)."""
    if not 0 <= age_months <= 11:
        raise ValueError("age_months must be 0..11")
    if age_years not in DIVISOR_BY_AGE or (age_months and age_years + 1 not in DIVISOR_BY_AGE):
        raise ValueError(f"no 计发月数 for age {age_years} years {age_months} months")
    low = Decimal(DIVISOR_BY_AGE[age_years])
    if not age_months:
        return low
    high = Decimal(DIVISOR_BY_AGE[age_years + 1])
    return (low - (low - high) * age_months / 12).quantize(TENTH, rounding=ROUND_HALF_UP)


def weighted_index(periods: list[tuple[int, Decimal]]) -> Decimal:
    """Average contribution-wage index over (months, index) pairs, weighted by months."""
    months = sum(m for m, _ in periods)
    if not months:
        return Decimal(0)
    return sum(Decimal(m) * dec(i) for m, i in periods) / Decimal(months)
