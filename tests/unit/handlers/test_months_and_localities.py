from datetime import date

import pytest

from handlers.localities import contains, subtree_prefix
from handlers.months import months_after, months_between, next_quarter, quarter_months, quarter_of


def test_a_province_contains_its_cities_and_counties():
    assert contains("340000", "340722")
    assert contains("340700", "340722")
    assert not contains("340700", "340822")
    assert not contains("220000", "340722")
    assert subtree_prefix("340722") == "340722"


def test_quarter_arithmetic():
    assert quarter_months("2027Q1") == ("2027-01", "2027-03")
    assert quarter_of(date(2026, 11, 20)) == "2026Q4"
    assert next_quarter(date(2026, 11, 20)) == "2027Q1"
    assert months_after("2026-11", 3) == "2027-02"
    assert months_between("1966-03", "2026-07") == 724


def test_a_malformed_quarter_is_refused():
    with pytest.raises(ValueError):
        quarter_months("2027Q5")
