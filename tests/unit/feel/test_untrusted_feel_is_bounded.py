"""FEEL written by policy staff cannot hang the service: oversized texts are refused when read, and an
evaluation that would run too long or build too much stops with FeelBudgetError (not a hang, not a crash)."""
import time

import pytest

from engine.feel import FeelBudgetError, FeelSyntaxError, evaluate, parse_expression


@pytest.mark.parametrize("text", [
    "(" * 200 + "1" + ")" * 200,
    "-" * 200 + "1",
    "1" + " + 1" * 1000,
    "9" * 5000,
    "1 + " * 5000 + "1",
    '"' + "a" * 20_000 + '"',
])
def test_an_oversized_text_is_refused_when_it_is_read(text):
    with pytest.raises(FeelSyntaxError):
        parse_expression(text)


@pytest.mark.parametrize("text", [
    "for i in 1..100000000 return i",
    "for i in 1..1000, j in 1..1000 return i",
    "count(for i in 1..400 return for j in 1..400 return for k in 1..400 return 1)",
    "{f: function(n) if n = 0 then 0 else f(n - 1), r: f(100000)}.r",
    "[1..1000000000] = for x in 1..1000000000 return x",
])
def test_a_runaway_evaluation_stops_with_a_budget_error(text):
    with pytest.raises(FeelBudgetError):
        evaluate(text, {})


def test_a_string_fed_by_data_stops_with_a_reason():
    with pytest.raises(FeelBudgetError, match="longer"):
        evaluate("s + s", {"s": "a" * 60_000})


def test_huge_numbers_overflow_to_null_at_once():
    assert evaluate("2 ** 1000000000", {}) is None
    assert evaluate("decimal(1.5, 1000000000)", {}) is None
    assert evaluate("99999999999999999999 * 99999999999999999999", {}) is not None


def test_a_backtracking_pattern_answers_at_once():
    started = time.perf_counter()
    assert evaluate('matches(s, "(a+)+$")', {"s": "a" * 40 + "!"}) is False
    assert time.perf_counter() - started < 5
    assert evaluate('matches("1965-01", "^[0-9]{4}-[0-9]{2}$")', {}) is True


def test_a_pattern_refused_by_re2_is_null_not_an_error():
    warnings = []
    assert evaluate('matches("aa", "(a)\\\\1")', {}, warnings) is None
    assert warnings


@pytest.mark.parametrize("text", [
    'replace(s, ".", s)',
    'string join(for i in 1..1000 return s, "")',
    'string(for i in 1..1000 return s)',
])
def test_text_functions_fed_by_data_stop_before_building_a_huge_string(text):
    with pytest.raises(FeelBudgetError):
        evaluate(text, {"s": "a" * 50_000})


def test_a_function_may_call_itself_within_the_depth_budget():
    assert evaluate("{f: function(n) if n = 0 then 0 else 1 + f(n - 1), r: f(45)}.r", {}) == 45
