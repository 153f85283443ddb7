"""Every cell dmn-js's date, date-time, time and duration editors write is read, and matches as a policy
officer expects (exact, before, after, between)."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from engine.feel import YearsMonthsDuration, parse_unary_tests


@pytest.mark.parametrize("cell, inside, outside", [
    ('date("2025-01-01")', date(2025, 1, 1), date(2025, 1, 2)),
    ('< date("2025-01-01")', date(2024, 12, 31), date(2025, 1, 1)),
    ('> date("2025-01-01")', date(2025, 1, 2), date(2025, 1, 1)),
    ('[date("2025-01-01")..date("2025-12-31")]', date(2025, 6, 1), date(2026, 1, 1)),
    ('date and time("2025-01-01T09:00:00")', datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 10)),
    ('< date and time("2025-01-01T09:00:00")', datetime(2025, 1, 1, 8), datetime(2025, 1, 1, 9)),
    ('> date and time("2025-01-01T09:00:00")', datetime(2025, 1, 1, 10), datetime(2025, 1, 1, 9)),
    ('[date and time("2025-01-01T09:00:00")..date and time("2025-01-01T17:00:00")]',
     datetime(2025, 1, 1, 12), datetime(2025, 1, 1, 18)),
    ('time("09:00:00")', time(9), time(10)),
    ('[time("09:00:00")..time("17:00:00"))', time(16, 59), time(17)),
    ('duration("P2D")', timedelta(days=2), timedelta(days=1)),
    ('<= duration("P2D")', timedelta(days=1), timedelta(days=3)),
    ('[duration("P1Y")..duration("P5Y")]', YearsMonthsDuration(24), YearsMonthsDuration(72)),
    ('>= @"2025-01-01"', date(2025, 1, 1), date(2024, 1, 1)),
])
def test_a_date_time_or_duration_cell_matches_inside_and_not_outside(cell, inside, outside):
    tests = parse_unary_tests(cell)
    assert tests.matches(inside, {}) is True
    assert tests.matches(outside, {}) is False


def test_a_date_cell_given_a_number_cannot_decide_and_says_so():
    warnings = []
    assert parse_unary_tests('< date("2025-01-01")').matches(Decimal(3), {}, warnings) is None


def test_common_functions_and_lists_work_in_cells():
    assert parse_unary_tests('starts with(?, "34")').matches("340722", {}) is True
    assert parse_unary_tests('string length(?) = 18').matches("1" * 18, {}) is True
    assert parse_unary_tests('count(?) > 1').matches([1, 2], {}) is True
    assert parse_unary_tests('["a", "b"]').matches("a", {}) is True
    assert parse_unary_tests('upper case(?) = "A"').matches("a", {}) is True


def test_a_cell_that_is_a_condition_on_other_data_decides_by_its_truth():
    assert parse_unary_tests("limit > 5").matches(Decimal(1), {"limit": Decimal(6)}) is True
    assert parse_unary_tests("limit > 5").matches(Decimal(1), {"limit": Decimal(4)}) is False
    assert parse_unary_tests("true").matches(False, {}) is False
