"""The flexible-retirement request table: an early or deferred date is accepted only inside the window, with the
minimum contribution for early choice, 3 months' written notice for early and the employer's written agreement
at least 1 month ahead for deferral (domain.md §1.3)."""
from __future__ import annotations

import pytest

from dmn_builders import national


def request(choice, requested, *, category="male", birth="1970-06", retirement_type="normal",
            contribution_months=None, minimum_months=None, notice_date=None, employer_decision=None,
            agreement_date=None):
    statutory = national("statutory_retirement_age").evaluate({"category": category, "birth_month": birth}).outputs
    window = national("flexible_retirement_window").evaluate({
        "category": category, "birth_month": birth, "retirement_age_months": statutory["retirement_age_months"],
        "contribution_months": contribution_months, "minimum_months": minimum_months}).outputs
    result = national("flexible_retirement_request").evaluate({
        "retirement_type": retirement_type, "retirement_choice": choice, "requested_retirement_month": requested,
        "statutory": statutory, "flex_window": window, "notice_date": notice_date,
        "employer_decision": employer_decision, "agreement_date": agreement_date})
    return result.outputs, result.matched_rules


# A man born 1970-06 reaches 61y5m in 2031-11; he may retire from 2030-06 (age 60) to 2034-11.


def test_a_statutory_choice_keeps_the_statutory_month():
    out, _ = request("statutory", None)
    assert (out["outcome"], out["retirement_month"], out["minimum_year"]) == ("accepted", "2031-11", 2031)


def test_an_early_date_inside_the_window_waits_for_the_employers_confirmation_of_the_notice():
    out, _ = request("early", "2030-09")
    assert out["outcome"] == "confirmation_needed"
    assert out["retirement_month"] == "2031-11", "until accepted the statutory month stands"


def test_early_retirement_with_three_months_written_notice_and_the_minimum_contribution_is_accepted():
    out, _ = request("early", "2030-09", contribution_months=300, minimum_months=186, notice_date="2030-06-01")
    assert out == {"outcome": "accepted", "retirement_month": "2030-09", "minimum_year": 2030,
                   "reason": "准予弹性提前退休，退休时间2030-09"}


def test_notice_one_day_short_of_three_months_is_refused():
    out, _ = request("early", "2030-09", contribution_months=300, minimum_months=186, notice_date="2030-06-02")
    assert out["outcome"] == "rejected"
    assert "至少提前3个月" in out["reason"]
    assert out["retirement_month"] == "2031-11"


def test_early_retirement_below_the_original_age_is_refused_with_the_earliest_month():
    out, _ = request("early", "2030-05", contribution_months=300, minimum_months=186, notice_date="2029-01-01")
    assert out["outcome"] == "rejected"
    assert out["reason"].startswith("最早可于2030-06")


def test_early_retirement_without_the_minimum_contribution_is_refused():
    out, _ = request("early", "2030-09", contribution_months=185, minimum_months=186, notice_date="2030-01-01")
    assert out["outcome"] == "rejected"
    assert "最低缴费年限" in out["reason"]


@pytest.mark.parametrize("choice,month,why", [
    ("early", "2031-11", "须早于法定退休时间2031-11"),
    ("early", "2032-01", "须早于法定退休时间2031-11"),
    ("deferred", "2031-11", "须晚于法定退休时间2031-11"),
    ("deferred", "2034-12", "最晚可于2034-11"),
    ("early", None, "须填写申请的退休时间"),
])
def test_a_date_on_the_wrong_side_or_outside_the_window_is_refused_before_anyone_is_asked(choice, month, why):
    out, _ = request(choice, month)
    assert out["outcome"] == "rejected"
    assert why in out["reason"]


def test_deferral_with_the_employers_written_agreement_a_month_ahead_is_accepted():
    out, _ = request("deferred", "2034-11", employer_decision="agree", agreement_date="2031-10-01")
    assert (out["outcome"], out["retirement_month"], out["minimum_year"]) == ("accepted", "2034-11", 2031)


def test_deferral_agreed_less_than_a_month_before_the_statutory_date_is_refused():
    out, _ = request("deferred", "2033-01", employer_decision="agree", agreement_date="2031-10-02")
    assert out["outcome"] == "rejected"
    assert "1个月以前" in out["reason"]


def test_deferral_agreed_without_the_date_of_the_written_agreement_is_refused():
    out, _ = request("deferred", "2033-01", employer_decision="agree")
    assert out["outcome"] == "rejected"
    assert "协议的日期" in out["reason"]


def test_deferral_the_employer_does_not_agree_to_is_refused():
    out, _ = request("deferred", "2033-01", employer_decision="disagree", agreement_date="2031-01-01")
    assert out["outcome"] == "rejected"
    assert "未同意" in out["reason"]


def test_flexible_choice_does_not_apply_to_special_work_early_retirement():
    out, _ = request("early", "2030-09", retirement_type="special_work")
    assert out["outcome"] == "rejected"
    assert "不适用弹性退休" in out["reason"]


def test_the_women_workers_window_uses_their_own_original_age_of_50():
    # 原50 woman born 1980-06: statutory 52y9m (2033-03); earliest at 50 (2030-06)
    out, _ = request("early", "2030-06", category="female_worker", birth="1980-06", contribution_months=240,
                     minimum_months=186, notice_date="2030-02-28")
    assert (out["outcome"], out["retirement_month"]) == ("accepted", "2030-06")
    out, _ = request("early", "2030-05", category="female_worker", birth="1980-06")
    assert out["reason"].startswith("最早可于2030-06")


def test_every_outcome_names_the_rule_that_decided_it():
    _, rules = request("early", "2030-09", contribution_months=300, minimum_months=186, notice_date="2030-06-01")
    assert len(rules) == 1
