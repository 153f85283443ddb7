"""Summaries of a person's contribution periods: months paid, deemed, arrears, gaps, places."""
from __future__ import annotations

from decimal import Decimal

from .localities import contains
from .months import month_index, month_text, months_inclusive
from .pension_math import dec, weighted_index


def _actual(periods):
    return sorted((p for p in periods if p["kind"] == "actual"), key=lambda p: month_index(p["start_month"]))


def paid_months(period) -> int:
    return months_inclusive(period["start_month"], period["end_month"]) - int(period.get("arrears_months") or 0)


def actual_months(periods) -> int:
    return sum(paid_months(p) for p in _actual(periods))


def deemed_months(periods) -> int:
    return sum(months_inclusive(p["start_month"], p["end_month"]) for p in periods if p["kind"] == "deemed")


def arrears(periods) -> tuple[int, Decimal]:
    actual = _actual(periods)
    return (sum(int(p.get("arrears_months") or 0) for p in actual),
            sum((dec(p.get("arrears_amount") or 0) for p in actual), Decimal("0")))


def interruptions(periods) -> list[dict]:
    """Gaps between actual periods: [{'from': first missing month, 'to': last missing month}]."""
    gaps, covered_until = [], None
    for period in _actual(periods):
        start, end = month_index(period["start_month"]), month_index(period["end_month"])
        if covered_until is not None and start > covered_until + 1:
            gaps.append({"from": month_text(covered_until + 1), "to": month_text(start - 1)})
        covered_until = end if covered_until is None else max(covered_until, end)
    return gaps


def outside_localities(periods, locality: str) -> list[str]:
    """Localities holding actual periods outside the case's locality subtree (accounts to transfer in)."""
    return sorted({p["locality"] for p in _actual(periods) if p.get("locality") and not contains(locality, p["locality"])})


def average_index(periods) -> Decimal:
    return weighted_index([(paid_months(p), dec(p.get("wage_index") or 0)) for p in _actual(periods)])
