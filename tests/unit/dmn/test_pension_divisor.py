from decimal import Decimal

import pytest

from engine.dmn import UNMATCHED, DecisionInputError

from dmn_builders import national

INTEGER_AGES = {40: 233, 41: 230, 42: 226, 43: 223, 44: 220, 45: 216, 46: 212, 47: 207, 48: 204, 49: 199,
                50: 195, 51: 190, 52: 185, 53: 180, 54: 175, 55: 170, 56: 164, 57: 158, 58: 152, 59: 145,
                60: 139, 61: 132, 62: 125, 63: 117, 64: 109, 65: 101, 66: 93, 67: 84, 68: 75, 69: 65, 70: 56}

# domain.md §3.3: rows for ages 50, 60, 62, months +0 .. +11
MONTHLY = {
    50: "195 194.6 194.2 193.8 193.3 192.9 192.5 192.1 191.7 191.3 190.8 190.4",
    60: "139 138.4 137.8 137.3 136.7 136.1 135.5 134.9 134.3 133.8 133.2 132.6",
    62: "125 124.3 123.7 123 122.3 121.7 121 120.3 119.7 119 118.3 117.7",
}


def divisor(years, months):
    outputs = national("pension_divisor").evaluate({"age_years": years, "age_months": months}).outputs
    return None if outputs is None else outputs["months"]


@pytest.mark.parametrize("age,months", sorted(INTEGER_AGES.items()))
def test_whole_ages_give_the_2005_annex_divisor(age, months):
    assert divisor(age, 0) == months


def test_age_47_gives_207_not_the_208_many_calculators_use():
    assert divisor(47, 0) == 207


@pytest.mark.parametrize("age,k,expected", [(age, k, Decimal(v)) for age, row in MONTHLY.items()
                                           for k, v in enumerate(row.split())])
def test_month_precise_ages_interpolate_and_round_half_up_to_one_decimal(age, k, expected):
    assert divisor(age, k) == expected


def test_the_two_published_data_points_are_pinned():
    assert divisor(60, 1) == Decimal("138.4")
    assert divisor(50, 1) == Decimal("194.6")


def test_whole_results_are_integers_and_fractions_are_decimals():
    assert type(divisor(60, 0)) is int
    assert type(divisor(60, 1)) is Decimal


def test_ages_outside_the_table_give_null_and_name_the_inputs():
    assert divisor(39, 0) is None
    assert "age_years = 39" in str(UNMATCHED.get())
    assert divisor(70, 1) is None
    with pytest.raises(DecisionInputError, match="age_months"):
        divisor(60, 12)
