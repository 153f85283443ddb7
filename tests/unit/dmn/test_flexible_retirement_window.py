import pytest

from dmn_builders import national


def window(category, birth_month, contribution_months=None, minimum_months=None):
    statutory = national("statutory_retirement_age").evaluate(
        {"category": category, "birth_month": birth_month}).outputs
    return national("flexible_retirement_window").evaluate({
        "category": category, "birth_month": birth_month,
        "retirement_age_months": statutory["retirement_age_months"],
        "contribution_months": contribution_months, "minimum_months": minimum_months}).outputs


def test_early_retirement_never_goes_below_the_original_age():
    out = window("male", "1965-01", 300, 180)
    assert out["earliest_age_months"] == 720
    assert out["earliest_month"] == "2025-01"
    assert out["latest_age_months"] == 721 + 36
    assert out["latest_month"] == "2028-02"


def test_a_fully_delayed_man_may_go_three_years_early_at_60():
    out = window("male", "1980-03", 300, 240)
    assert out["earliest_age_months"] == 756 - 36
    assert out["earliest_month"] == "2040-03"
    assert out["latest_month"] == "2046-03"


@pytest.mark.parametrize("category,birth,earliest_age", [
    ("female_cadre", "1975-03", 660),          # statutory 56y4m: 3 years early would be 53y4m < 55
    ("female_worker", "1984-11", 660 - 36),    # statutory 55: 52
    ("female_worker", "1980-06", 600),         # statutory 52y9m: floor at 50
])
def test_each_category_is_floored_at_its_own_original_age(category, birth, earliest_age):
    assert window(category, birth, 200, 180)["earliest_age_months"] == earliest_age


def test_early_choice_needs_the_minimum_contribution():
    assert window("male", "1970-06", 180, 180)["early_allowed"] is True
    assert window("male", "1970-06", 179, 180)["early_allowed"] is False


def test_without_a_minimum_the_window_is_given_and_early_choice_is_not_judged():
    out = window("male", "1970-06")
    assert out["early_allowed"] is None
    assert out["minimum_year_basis"] == "retirement_year"
