"""Test data for the handler unit tests: memorable persons, locality settings, fake decisions."""
from __future__ import annotations

from datetime import date

from engine.localities import deep_merge
from handlers.personal import make_id_number
from tests.support.decisions import decide_in, settings_of

WANG = make_id_number("340722", date(1966, 3, 15), 17)      # male, retires 2026-07 (60y4m)
LI = make_id_number("340722", date(1976, 5, 9), 28)         # female worker, retires 2027-02 (50y9m)
ZHAO = make_id_number("220102", date(1966, 5, 20), 35)      # male in Changchun, retires 2026-10

# the national settings of processes/000000, with the county-like values these tests compute with
SETTINGS = deep_merge(settings_of("000000"), {
    "pension": {"base_monthly": "7999", "transitional_coefficient": "0.013"},
    "medical": {"min_total_months_male": 300, "min_total_months_female": 240, "min_actual_months": 120,
                "min_local_months": 60, "deemed_counts": True, "lump_sum_allowed": True,
                "monthly_top_up_rate": "0.10", "top_up_base_monthly": "6000"},
    "health": {"only_child_reward_type": "lump_sum", "only_child_reward_channel": "employer"},
    "sms": {"templates": {
        "notify_upcoming": "{name}您好：您将于{retirement_month}达到法定退休年龄，可申请办理退休一件事。",
        "accepted": "{name}您好：您的退休一件事申请已受理（{business_key}）。",
    }},
})


def default_decide(decision_id, inputs):
    """The decision tables of processes/ in force for Zongyang County (the national ones and its own)."""
    return decide_in("340722")(decision_id, inputs)


def person(id_number=WANG, **overrides):
    from handlers.personal import birth_date_from_id, sex_from_id
    row = {"id_number": id_number, "name": "王建国", "sex": sex_from_id(id_number),
           "category": "male" if sex_from_id(id_number) == "male" else "female_worker",
           "birth_date_id_card": birth_date_from_id(id_number), "birth_date_file": None,
           "phone": "13812341234", "phone_valid": True, "locality": id_number[:6], "employer": "枞阳钢铁厂",
           "flexible": False, "special_work_type": None, "special_work_years": None,
           "hukou_address": "安徽省铜陵市枞阳县枞阳镇1号", "only_child_certificate": None,
           "bank_card": "6217001234567890123"}
    row.update(overrides)
    return row
