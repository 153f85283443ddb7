from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.dmn import DecisionSyntaxError

from dmn_builders import matches, unary


@pytest.mark.parametrize("entry,value,expected", [
    ("-", "anything", True),
    ("", 42, True),
    ('"male"', "male", True),
    ('"male"', "female", False),
    ("5", 5, True),
    ("5", Decimal("5.0"), True),
    ("5", "5", False),
    ("5.5", 5.5, True),
    ("-5", -5, True),
    ("true", True, True),
    ("true", 1, False),
    ("1", True, False),
    ("false", False, True),
    ("null", None, True),
    ("null", 0, False),
])
def test_a_literal_matches_only_an_equal_value_of_the_same_type(entry, value, expected):
    assert matches(entry, value) is expected


@pytest.mark.parametrize("entry,value,expected", [
    ("< 60", 59, True), ("< 60", 60, False), ("<= 60", 60, True), ("> 60", 60, False),
    (">= 60", 60, True), ("< -5", -6, True), ("< 5.5", Decimal("5.4"), True),
    ("= 3", 3, True), ("!= 3", 3, False), ("!= 3", 4, True),
    ('< "1965-01"', "1964-12", True), ('< "1965-01"', "1965-01", False),
    ('>= "1976-09"', "1980-01", True),
    ('< date("2025-01-01")', date(2024, 12, 31), True),
    ('>= date("2025-01-01")', date(2025, 1, 1), True),
    ("< 60", "59", False),        # a string never compares with a number
    ("< 60", None, False),
])
def test_comparisons_work_on_numbers_strings_and_dates(entry, value, expected):
    assert matches(entry, value) is expected


@pytest.mark.parametrize("entry,inside,outside", [
    ("[1..5]", [1, 3, 5], [0, 6]),
    ("(1..5)", [2, 4.9], [1, 5]),
    ("]1..5[", [2], [1, 5]),
    ("[1..5)", [1, 4], [5]),
    ("(1..5]", [5], [1]),
    ("[1..5[", [1], [5]),
    ('["1965-01".."1965-04"]', ["1965-01", "1965-04"], ["1964-12", "1965-05"]),
    ('[date("2025-01-01")..date("2025-12-31")]', [date(2025, 6, 1)], [date(2026, 1, 1)]),
    ("[12*5..12*6)", [60, 71], [72]),
])
def test_ranges_honour_open_and_closed_ends(entry, inside, outside):
    for value in inside:
        assert matches(entry, value), (entry, value)
    for value in outside:
        assert not matches(entry, value), (entry, value)


def test_lists_match_any_of_their_items():
    assert matches('"male","female_cadre"', "female_cadre")
    assert not matches('"male","female_cadre"', "female_worker")
    assert matches("< 0, [10..20], 99", 15)
    assert matches("< 0, [10..20], 99", 99)
    assert not matches("< 0, [10..20], 99", 5)


def test_not_negates_a_whole_list_or_range():
    assert matches('not("x","y")', "z")
    assert not matches('not("x","y")', "x")
    assert matches("not([1..5])", 6)
    assert not matches("not([1..5])", 3)
    assert matches("not(null)", 3)
    assert not matches("not(null)", None)


def test_an_expression_with_a_question_mark_tests_the_input():
    assert matches("? > 3 and ? < 7", 5)
    assert not matches("? > 3 and ? < 7", 8)
    assert matches("is_year_month(?)", "1965-01")
    assert matches("not(? = 3)", 4)


def test_endpoints_may_name_other_inputs():
    decision = unary(">= minimum", type_ref="number")
    assert decision.evaluate({"x": 200, "minimum": 180}).matched_rules == [1]


def test_a_date_column_reads_iso_strings_as_dates():
    assert matches('>= date("2025-01-01")', "2025-03-04", type_ref="date")


def test_typographic_quotes_pasted_from_a_word_processor_are_accepted():
    assert matches("\u201cmale\u201d", "male")


@pytest.mark.parametrize("entry", ["[1..5", "< ", '"open', "1..5", "[1..5]]", "foo(1)", "> > 3", "[1..\"a\"]"])
def test_malformed_entries_are_reported_with_their_rule_and_cell(entry):
    decision = unary(entry)
    problems = decision.problems()
    assert problems and problems[0].element_id == "r1i1"
    assert "rule 1" in problems[0].message
    with pytest.raises(DecisionSyntaxError) as raised:
        decision.evaluate({"x": 1})
    assert raised.value.element_id == "r1i1"


BOUNDS = st.integers(-20, 20)


@given(lo=BOUNDS, hi=BOUNDS, lo_closed=st.booleans(), hi_closed=st.booleans(), value=st.integers(-25, 25))
def test_ranges_agree_with_plain_comparisons(lo, hi, lo_closed, hi_closed, value):
    entry = f"{'[' if lo_closed else '('}{lo}..{hi}{']' if hi_closed else ')'}"
    low = lo <= value if lo_closed else lo < value
    high = value <= hi if hi_closed else value < hi
    assert matches(entry, value) is (low and high)
