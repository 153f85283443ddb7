"""Pension arithmetic (domain.md §3): basic, individual-account and transitional pension.

All amounts are Decimal; results are rounded to the fen with ROUND_HALF_UP. Parameters (base,
coefficient) come from the locality settings and the 计发月数 from the ``pension_divisor`` table, never from here.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


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


def weighted_index(periods: list[tuple[int, Decimal]]) -> Decimal:
    """Average contribution-wage index over (months, index) pairs, weighted by months."""
    months = sum(m for m, _ in periods)
    if not months:
        return Decimal(0)
    return sum(Decimal(m) * dec(i) for m, i in periods) / Decimal(months)
