"""Working-day-true dates for diagrams: due dates, monthly 5th / 15th deadlines, N-months-before dates.

The roll policy for a deadline that falls on a rest day is a DMN output (``deadline_roll``) of the
case's locality; the working days come from the locality's calendar (``Localities.calendar``).
"""
from __future__ import annotations

from datetime import date

from .bpmn.expressions import _to_date, add_months


class DateText(str):
    """An ISO date string that remembers whether the calendar had real data for it."""
    provisional = False


def _text(d) -> DateText:
    out = DateText(d.isoformat())
    out.provisional = bool(getattr(d, "provisional", False))
    return out


def calendar_functions(localities, decisions, session, locality: str, seq: int) -> dict:
    """The diagrams' calendar helpers for ``locality``: its working calendar (``localities.calendar``) and its
    deadline_roll table as of deployment ``seq`` (``decisions.decide``)."""
    cal_cache = {}

    def cal():
        if "c" not in cal_cache:
            cal_cache["c"] = localities.calendar(locality)
        return cal_cache["c"]

    def roll_policy(kind: str) -> str:
        """The locality's deadline_roll table is the only source of the policy (no table in force: the error)."""
        out = decisions.decide("deadline_roll", locality, {"deadline_kind": kind}, seq=seq, session=session)
        if not out or not out.get("roll_policy"):
            raise LookupError(f"决策表 deadline_roll 没有期限类型 {kind} 的顺延规则; "
                              f"the deadline_roll table gives no roll_policy for {kind!r}")
        return out["roll_policy"]

    def roll(value, kind: str = "deadline") -> str:
        d = _to_date(value)
        rolled = cal().roll(d, roll_policy(kind))
        out = _text(rolled.date)
        out.provisional = out.provisional or bool(getattr(rolled, "provisional", False))
        return out

    def workday(value) -> str:
        return _text(cal().next_workday(_to_date(value)))

    def add_workdays(value, n: int) -> str:
        return _text(cal().add_workdays(_to_date(value), int(n)))

    def deadline(period, day: int, kind: str = "monthly_submission") -> DateText:
        """The deadline "by the <day>th" of month ``period`` ('YYYY-MM' or a date), rolled per policy."""
        start = _to_date(period)
        return roll(date(start.year, start.month, int(day)), kind)

    def months_before(value, months: int, kind: str = "advance_notice") -> str:
        return roll(add_months(_to_date(value).isoformat(), -int(months)), kind)

    return {"roll": roll, "workday": workday, "add_workdays": add_workdays, "deadline": deadline,
            "months_before": months_before}
