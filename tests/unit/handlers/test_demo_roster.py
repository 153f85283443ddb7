from collections import Counter
from datetime import date

import pytest

from handlers.ledger.demo_roster import generate_roster, statutory_retirement_month
from handlers.months import month_of, quarter_of
from handlers.personal import birth_date_from_id, is_valid_id, is_valid_phone, sex_from_id

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def zongyang():
    return generate_roster("340722", 2000, today=TODAY, seed=7)


@pytest.mark.parametrize("category, birth, retires", [
    ("male", "1964-12", "2024-12"), ("male", "1965-05", "2025-07"), ("male", "1976-09", "2039-09"),
    ("female_cadre", "1975-03", "2031-07"), ("female_worker", "1975-03", "2025-05"),
    ("female_worker", "1984-11", "2039-11"),
])
def test_generator_rule_matches_the_published_sample_rows(category, birth, retires):
    assert statutory_retirement_month(category, birth) == retires


def test_every_person_has_a_valid_id_from_a_county_of_the_locality(zongyang):
    assert len({p["id_number"] for p in zongyang}) == 2000
    assert all(is_valid_id(p["id_number"]) and p["id_number"].startswith("340722") for p in zongyang)
    assert all(birth_date_from_id(p["id_number"]) == p["birth_date_id_card"] for p in zongyang)
    assert all(sex_from_id(p["id_number"]) == p["sex"] for p in zongyang)


def test_jilin_persons_live_in_changchun_districts():
    persons = generate_roster("220000", 300, today=TODAY, seed=1)
    assert {p["locality"] for p in persons} == {"220102", "220103", "220104"}


def test_retirements_spread_over_the_coming_six_quarters(zongyang):
    quarters = Counter(quarter_of(statutory_retirement_month(p["category"], month_of(p["birth_date_id_card"])))
                       for p in zongyang)
    assert set(quarters) == {"2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2"}
    assert min(quarters.values()) > 150


def test_the_roster_has_the_awkward_cases_handlers_must_meet(zongyang):
    share = lambda pred: sum(1 for p in zongyang if pred(p)) / len(zongyang)  # noqa: E731
    assert 0.03 < share(lambda p: not p["phone_valid"]) < 0.08
    assert share(lambda p: not is_valid_phone(p["phone"])) > 0.01
    assert share(lambda p: p["birth_date_file"] and p["birth_date_file"] != p["birth_date_id_card"]) > 0.02
    assert share(lambda p: p["special_work_type"]) > 0.02
    assert share(lambda p: p["housing_fund_account"]) > 0.4
    assert share(lambda p: p["only_child_certificate"]) > 0.1
    assert share(lambda p: any(c["arrears_months"] for c in p["contributions"])) > 0.02
    assert share(lambda p: any(c["kind"] == "deemed" for c in p["contributions"])) > 0.5
    assert share(lambda p: len([c for c in p["contributions"] if c["kind"] == "actual"]) > 1) > 0.05


def test_the_same_seed_gives_the_same_roster():
    assert generate_roster("340722", 50, today=TODAY, seed=3) == generate_roster("340722", 50, today=TODAY, seed=3)
