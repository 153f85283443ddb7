import time

import pytest

from engine.dmn import DecisionInputError

from dmn_builders import national

# domain.md §1.2 sample rows: category, birth, new age (years, months), retires, delay
SAMPLES = [
    ("male", "1964-12", 60, 0, "2024-12", 0),
    ("male", "1965-01", 60, 1, "2025-02", 1),
    ("male", "1965-04", 60, 1, "2025-05", 1),
    ("male", "1965-05", 60, 2, "2025-07", 2),
    ("male", "1965-12", 60, 3, "2026-03", 3),
    ("male", "1966-01", 60, 4, "2026-05", 4),
    ("male", "1970-06", 61, 5, "2031-11", 17),
    ("male", "1976-08", 62, 11, "2039-07", 35),
    ("male", "1976-09", 63, 0, "2039-09", 36),
    ("male", "1977-01", 63, 0, "2040-01", 36),
    ("female_cadre", "1969-12", 55, 0, "2024-12", 0),
    ("female_cadre", "1970-01", 55, 1, "2025-02", 1),
    ("female_cadre", "1970-05", 55, 2, "2025-07", 2),
    ("female_cadre", "1975-03", 56, 4, "2031-07", 16),
    ("female_cadre", "1981-08", 57, 11, "2039-07", 35),
    ("female_cadre", "1981-09", 58, 0, "2039-09", 36),
    ("female_worker", "1974-12", 50, 0, "2024-12", 0),
    ("female_worker", "1975-01", 50, 1, "2025-02", 1),
    ("female_worker", "1975-02", 50, 1, "2025-03", 1),
    ("female_worker", "1975-03", 50, 2, "2025-05", 2),
    ("female_worker", "1975-12", 50, 6, "2026-06", 6),
    ("female_worker", "1980-06", 52, 9, "2033-03", 33),
    ("female_worker", "1984-10", 54, 11, "2039-09", 59),
    ("female_worker", "1984-11", 55, 0, "2039-11", 60),
]


def decide(category, birth_month):
    return national("statutory_retirement_age").evaluate({"category": category, "birth_month": birth_month})


@pytest.mark.parametrize("category,birth,years,months,retires,delay", SAMPLES)
def test_every_sample_row_of_the_domain_table_is_reproduced(category, birth, years, months, retires, delay):
    assert decide(category, birth).outputs == {
        "delay_months": delay, "retirement_age_months": years * 12 + months, "retirement_month": retires}


# (category, last unaffected month, first affected month, last month before the cap, first capped month, cap)
BOUNDARIES = [
    ("male", "1964-12", "1965-01", "1976-08", "1976-09", 36),
    ("female_cadre", "1969-12", "1970-01", "1981-08", "1981-09", 36),
    ("female_worker", "1974-12", "1975-01", "1984-10", "1984-11", 60),
]


@pytest.mark.parametrize("category,unaffected,first,before_cap,capped,cap", BOUNDARIES)
def test_cohort_boundaries_start_and_stop_the_delay_where_the_law_says(category, unaffected, first, before_cap,
                                                                       capped, cap):
    assert decide(category, unaffected).outputs["delay_months"] == 0
    assert decide(category, first).outputs["delay_months"] == 1
    assert decide(category, before_cap).outputs["delay_months"] == cap - 1
    assert decide(category, capped).outputs["delay_months"] == cap
    assert decide(category, "2000-12").outputs["delay_months"] == cap


def test_women_who_originally_retired_at_50_are_affected_too():
    assert decide("female_worker", "1976-01").outputs["delay_months"] == 7


# An independent implementation of the §1.2 formula, written from the text, not from the table.
COHORTS = {"male": (1965, 60, 4, 36), "female_cadre": (1970, 55, 4, 36), "female_worker": (1975, 50, 2, 60)}


def formula(category: str, year: int, month: int):
    start, original_age, step, max_delay = COHORTS[category]
    d = (year - start) * 12 + (month - 1)
    delay = 0 if d < 0 else min(d // step + 1, max_delay)
    age = original_age * 12 + delay
    y, m = divmod(year * 12 + (month - 1) + age, 12)
    return {"delay_months": delay, "retirement_age_months": age, "retirement_month": f"{y:04d}-{m + 1:02d}"}


def test_every_birth_month_from_1950_to_2000_in_every_category_matches_the_formula():
    checked = 0
    for category in COHORTS:
        for year in range(1950, 2001):
            for month in range(1, 13):
                result = decide(category, f"{year:04d}-{month:02d}")
                assert result.outputs == formula(category, year, month), (category, year, month)
                assert len(result.matched_rules) == 1
                checked += 1
    assert checked == 3 * 51 * 12


def test_a_malformed_birth_month_is_an_input_error_not_a_wrong_answer():
    for bad in ("1965-13", "1965-1", "196501", "1965-01-15"):
        with pytest.raises(DecisionInputError, match="birth_month"):
            decide("male", bad)


def test_an_unknown_category_is_named_in_the_error():
    with pytest.raises(DecisionInputError, match='"female"'):
        decide("female", "1970-01")


def test_evaluation_speed_is_printed(capsys):
    decision = national("statutory_retirement_age")
    contexts = [{"category": c, "birth_month": f"{y}-{m:02d}"}
                for c in COHORTS for y in range(1960, 1990) for m in (1, 6, 12)]
    start = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for ctx in contexts:
            decision.evaluate(ctx)
    per_call = (time.perf_counter() - start) / (rounds * len(contexts)) * 1e6
    with capsys.disabled():
        print(f"\nstatutory_retirement_age: {per_call:.1f} µs per evaluation "
              f"({len(decision.rules)} rules, {rounds * len(contexts)} evaluations)")
