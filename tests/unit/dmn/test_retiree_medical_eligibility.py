import pytest

from dmn_builders import national

# Locality parameters are passed in by the handler; these figures are made up for the test.
PARAMS = {"min_total_months_male": 360, "min_total_months_female": 300, "min_actual_months": 120,
          "min_local_months": 60, "deemed_counts": True, "lump_sum_allowed": True}


def medical(**kw):
    return national("retiree_medical_eligibility").evaluate({**PARAMS, **kw}).outputs


def test_enough_years_means_no_further_contributions():
    out = medical(sex="male", actual_months=300, deemed_months=60, local_months=100)
    assert out == {"outcome": "eligible", "eligible": True, "shortfall_months": 0}


def test_women_have_their_own_total():
    assert medical(sex="female", actual_months=250, deemed_months=50, local_months=100)["eligible"] is True
    assert medical(sex="male", actual_months=250, deemed_months=50, local_months=100)["eligible"] is False


def test_the_shortfall_is_the_largest_missing_requirement():
    out = medical(sex="male", actual_months=100, deemed_months=200, local_months=30)
    assert out["outcome"] == "lump_sum_top_up"
    assert out["shortfall_months"] == 60      # total short by 60, actual by 20, local by 30


def test_deemed_years_count_only_where_the_locality_says_so():
    out = medical(sex="male", actual_months=300, deemed_months=60, local_months=100, deemed_counts=False)
    assert out["eligible"] is False and out["shortfall_months"] == 60


@pytest.mark.parametrize("lump_sum,outcome", [(True, "lump_sum_top_up"), (False, "monthly_contribution")])
def test_a_locality_without_lump_sum_top_up_asks_for_monthly_contributions(lump_sum, outcome):
    out = medical(sex="female", actual_months=110, deemed_months=250, local_months=110, lump_sum_allowed=lump_sum)
    assert out["outcome"] == outcome and out["shortfall_months"] == 10
