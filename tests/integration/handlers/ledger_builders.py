"""Contexts for running handlers against the ledger."""
from __future__ import annotations

from datetime import datetime, timezone

from handlers import build_ports
from handlers.context import HandlerContext
from engine.localities import deep_merge
from tests.support.decisions import decide_in, settings_of

SETTINGS = deep_merge(settings_of("000000"), {
    "pension": {"base_monthly": "7999", "transitional_coefficient": "0.013"},
    "medical": {"min_total_months_male": 300, "min_total_months_female": 240, "min_actual_months": 120,
                "min_local_months": 60, "deemed_counts": True, "lump_sum_allowed": True,
                "monthly_top_up_rate": "0.10", "top_up_base_monthly": "6000"},
    "health": {"only_child_reward_type": "lump_sum"},
    "sms": {"templates": {"notify_upcoming": "{name}您好：您将于{retirement_month}达到法定退休年龄。",
                          "accepted": "{name}您好：您的申请已受理。"}},
})
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


class CountingDecide:
    def __init__(self):
        self.calls = 0

    def __call__(self, decision_id, inputs):
        self.calls += 1
        return decide_in("340722")(decision_id, inputs)   # the tables of processes/ in force for Zongyang


def ledger_ctx(db, *, variables=None, inputs=None, business_key="CASE-1", key=None, locality="340722",
               decide=None, ports=None, now=NOW):
    return HandlerContext(topic="test", instance_id="i-1", task_id="t-1", business_key=business_key,
                          locality=locality, variables=dict(variables or {}), settings=SETTINGS, now=now,
                          ports=ports or build_ports("ledger", db_engine=db), decide=decide or CountingDecide(),
                          idempotency_key=key or f"{business_key}:t-1", inputs=dict(inputs or {}))
