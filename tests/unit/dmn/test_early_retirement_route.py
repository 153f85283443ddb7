from datetime import date

import pytest

from engine.dmn import UNMATCHED, DecisionInputError

from dmn_builders import national

BASE = {"work_type": None, "special_work_years": None, "disability_confirmed": None,
        "contribution_months": 200, "minimum_months": 180, "as_of": date(2025, 6, 1)}


def route(**kw):
    return national("early_retirement_route").evaluate({**BASE, **kw}).outputs


@pytest.mark.parametrize("work_type,years", [("high_altitude", 10), ("heavy_physical", 10),
                                             ("underground", 9), ("high_temperature", 9), ("other_harmful", 8)])
def test_special_work_needs_the_years_of_its_category(work_type, years):
    ok = route(route="special_work", sex="male", work_type=work_type, age_months=660, special_work_years=years)
    assert ok["outcome"] == "eligible" and ok["required_work_years"] == years
    short = route(route="special_work", sex="male", work_type=work_type, age_months=660,
                  special_work_years=years - 0.5)
    assert short["outcome"] == "not_eligible" and "不足" in short["reason"]


def test_special_work_age_is_55_for_men_and_45_for_women():
    assert route(route="special_work", sex="male", work_type="underground", age_months=659,
                 special_work_years=12)["outcome"] == "not_eligible"
    assert route(route="special_work", sex="female", work_type="underground", age_months=540,
                 special_work_years=12)["outcome"] == "eligible"


def test_special_work_with_too_few_contribution_months_is_refused():
    out = route(route="special_work", sex="male", work_type="underground", age_months=700,
                special_work_years=12, contribution_months=170)
    assert out["outcome"] == "not_eligible" and "缴费" in out["reason"]


def test_illness_route_requires_an_appraisal():
    pending = route(route="illness_disability", sex="male", age_months=610)
    assert pending["outcome"] == "appraisal_needed" and pending["appraisal_required"] is True
    ok = route(route="illness_disability", sex="male", age_months=610, disability_confirmed=True)
    assert ok["outcome"] == "eligible"
    refused = route(route="illness_disability", sex="female", age_months=610, disability_confirmed=False)
    assert refused["outcome"] == "not_eligible"


def test_illness_below_the_age_becomes_resignation_for_manual_review():
    out = route(route="illness_disability", sex="male", age_months=590, disability_confirmed=True)
    assert out["outcome"] == "manual_review" and "退职" in out["reason"]


def test_resignation_always_goes_to_manual_review():
    assert route(route="resignation", sex="female", age_months=500)["outcome"] == "manual_review"


def test_a_case_dated_before_the_rules_take_effect_matches_nothing():
    assert route(route="resignation", sex="female", age_months=500, as_of=date(2024, 12, 31)) is None
    assert "as_of" in str(UNMATCHED.get())


def test_an_unknown_work_type_is_refused_with_its_name():
    with pytest.raises(DecisionInputError, match="mining"):
        route(route="special_work", sex="male", work_type="mining", age_months=700, special_work_years=12)
