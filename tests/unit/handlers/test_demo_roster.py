from collections import Counter
from datetime import date

import pytest

from handlers.ledger.demo_roster import generate_roster
from handlers.months import month_of, months_after, quarter_of
from handlers.personal import birth_date_from_id, is_valid_id, is_valid_phone, sex_from_id
from tests.support.decisions import statutory_month

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def zongyang():
    return generate_roster("340722", 2000, today=TODAY, seed=7, retirement_month=statutory_month)


def _quarters(persons, retirement_month) -> Counter:
    return Counter(quarter_of(retirement_month(p["category"], month_of(p["birth_date_id_card"]))) for p in persons)


def test_the_roster_is_born_for_the_retirement_ages_the_table_gives_not_its_own():
    # a policy officer raises every statutory age by a year: the generated persons are born a year earlier
    later = lambda category, birth: months_after(statutory_month(category, birth), 12)  # noqa: E731
    persons = generate_roster("340722", 300, today=TODAY, seed=5, retirement_month=later)
    assert set(_quarters(persons, later)) == {"2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1", "2028Q2"}
    assert set(_quarters(persons, statutory_month)) != set(_quarters(persons, later))


def test_every_person_has_a_valid_id_from_a_county_of_the_locality(zongyang):
    assert len({p["id_number"] for p in zongyang}) == 2000
    assert all(is_valid_id(p["id_number"]) and p["id_number"].startswith("340722") for p in zongyang)
    assert all(birth_date_from_id(p["id_number"]) == p["birth_date_id_card"] for p in zongyang)
    assert all(sex_from_id(p["id_number"]) == p["sex"] for p in zongyang)


def test_jilin_persons_live_in_changchun_districts():
    persons = generate_roster("220000", 300, today=TODAY, seed=1, retirement_month=statutory_month)
    assert {p["locality"] for p in persons} == {"220102", "220103", "220104"}


def test_retirements_spread_over_the_coming_six_quarters(zongyang):
    quarters = _quarters(zongyang, statutory_month)
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
    same = lambda: generate_roster("340722", 50, today=TODAY, seed=3, retirement_month=statutory_month)  # noqa: E731
    assert same() == same()
