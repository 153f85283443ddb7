import pytest

from dmn_builders import national

# domain.md §1.4: year of retirement -> minimum contribution
MINIMUMS = [(2025, 15, 0), (2029, 15, 0), (2030, 15, 6), (2031, 16, 0), (2032, 16, 6), (2033, 17, 0),
            (2034, 17, 6), (2035, 18, 0), (2036, 18, 6), (2037, 19, 0), (2038, 19, 6), (2039, 20, 0),
            (2050, 20, 0)]


@pytest.mark.parametrize("year,years,months", MINIMUMS)
def test_the_minimum_rises_six_months_a_year_from_2030_to_2039(year, years, months):
    result = national("minimum_contribution_months").evaluate({"retirement_year": year})
    assert result.outputs == {"months": years * 12 + months}


def test_a_year_given_as_text_is_read_as_a_number():
    assert national("minimum_contribution_months").evaluate({"retirement_year": "2031"}).outputs["months"] == 192
