"""FEEL as DMN 1.5 defines it: numbers are decimals, logic has three values, a failed operation is null."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from engine.feel import (
    FeelSyntaxError, Range, YearsMonthsDuration, evaluate, parse_expression, parse_unary_tests,
)


def feel(text, **context):
    return evaluate(text, context)


def test_numbers_are_decimals_with_34_digits_rounded_half_even():
    assert feel("1 / 3") == Decimal("0.3333333333333333333333333333333333")
    assert feel("0.1 + 0.2") == Decimal("0.3")
    assert feel("decimal(1.125, 2)") == Decimal("1.12")
    assert feel("decimal(1.135, 2)") == Decimal("1.14")
    assert feel("2 ** 10") == 1024


def test_division_by_zero_is_null_with_a_warning():
    warnings = []
    assert evaluate("1 / 0", {}, warnings) is None
    assert warnings


@pytest.mark.parametrize("text, expected", [
    ("true and null", None), ("false and null", False), ("true or null", True), ("false or null", None),
    ("null and null", None), ("not(null)", None), ("not(true)", False), ("1 and true", None),
])
def test_and_or_not_follow_three_valued_logic(text, expected):
    assert feel(text) is expected


def test_comparing_values_of_different_kinds_is_null_not_an_error():
    warnings = []
    assert evaluate('1 = "1"', {}, warnings) is None
    assert evaluate('1 < "a"', {}, warnings) is None
    assert feel("null = null") is True
    assert feel("1 = null") is False


def test_an_unknown_name_is_null_and_a_warning():
    warnings = []
    assert evaluate("salary * 12", {}, warnings) is None
    assert any("salary" in w for w in warnings)


def test_names_with_spaces_are_read_when_known_in_scope():
    assert feel("Monthly Salary * 12", **{"Monthly Salary": Decimal(100)}) == 1200
    assert parse_expression("Date-Time + x", names=["Date-Time"]).evaluate(
        {"Date-Time": Decimal(1), "x": Decimal(2)}) == 3
    assert feel('string length("abc") + 1') == 4


def test_the_date_of_a_date_and_time_has_its_weekday_as_a_number():
    assert feel('date("2025-01-01").weekday') == 3
    assert feel('date and time("2025-01-01T10:00:00").hour') == 10


def test_durations_add_to_dates_and_subtract_between_them():
    assert feel('date("2025-01-31") + duration("P1M")') == date(2025, 2, 28)
    assert feel('date("2025-03-01") - date("2025-02-01")') == timedelta(days=28)
    assert feel('date("2025-01-01") + @"P1D"') == date(2025, 1, 2)
    assert feel('years and months duration(date("1965-01-15"), date("2025-02-14"))') == YearsMonthsDuration(720)
    assert feel('duration("P1Y2M") * 2') == YearsMonthsDuration(28)
    assert feel('duration("PT1H") / duration("PT30M")') == 2
    assert feel('string(duration("P1DT2H"))') == "P1DT2H"
    assert feel('duration("P1D") > duration("PT23H")') is True


def test_date_and_time_keeps_offsets_and_zones():
    assert feel('date and time("2025-01-01T10:00:00+01:00")') == datetime(2025, 1, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    assert feel('date and time("2025-01-01T10:00:00@Asia/Shanghai").timezone') == "Asia/Shanghai"
    assert feel('date and time("2025-01-01T10:00:00+01:00") = date and time("2025-01-01T09:00:00Z")') is True
    assert feel('time("10:30:00@Europe/Paris")') == time(10, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert feel('string(time("10:30:00+02:00"))') == "10:30:00+02:00"


def test_lists_filters_loops_and_quantifiers():
    assert feel("[1, 2, 3][item > 1]") == [2, 3]
    assert feel("[1, 2, 3][-1]") == 3
    assert feel("[{a: 1}, {a: 2}][a = 2].a") == [2]
    assert feel("for i in 1..3 return i * i") == [1, 4, 9]
    assert feel("for i in [1, 2] return if i = 1 then 0 else partial[-1] + i") == [0, 2]
    assert feel("some x in [1, 2] satisfies x > 1") is True
    assert feel("every x in [1, 2] satisfies x > 1") is False


def test_contexts_functions_and_named_arguments():
    assert feel('{a b: 1, c: a b + 1}.c') == 2
    assert feel("(function(a, b) a - b)(b: 1, a: 3)") == 2
    assert feel('substring(string: "abcdef", start position: 2, length: 3)') == "bcd"
    assert feel("sort([3, 1, 2], function(x, y) x > y)") == [3, 2, 1]


def test_ranges_and_instance_of():
    assert feel("5 in [1..10)") is True
    assert feel("[1..10]") == Range(Decimal(1), Decimal(10), True, True)
    assert feel("before(1, [2..3])") is True
    assert feel("[1, 2] instance of list<number>") is True
    assert feel('{a: 1} instance of context<a: number>') is True


def test_the_string_library_runs_patterns_on_re2():
    assert feel('matches("1965-01", "^[0-9]{4}-[0-9]{2}$")') is True
    assert feel('replace("abc", "(b)", "[$1]")') == "a[b]c"
    assert feel('split("a,b", ",")') == ["a", "b"]
    assert feel('string join(["a", "b"], "-")') == "a-b"
    assert feel('upper case("abc")') == "ABC"
    assert feel('"\\u0041\\n"') == "A\n"


@pytest.mark.parametrize("text, value, expected", [
    ("[55..60)", Decimal(57), True), ("[55..60)", Decimal(60), False),
    ('"female","male"', "male", True), ('"female"', "male", False),
    ('>= date("2025-01-01")', date(2025, 1, 1), True), ('not(1, 2)', Decimal(3), True),
    ("? > 3 and ? < 7", Decimal(5), True), ("-", "anything", True), ("", None, True),
    ("[1, 2, 3]", Decimal(2), True), ("< 10", "x", None),
    ('date and time("2025-01-01T00:00:00")', datetime(2025, 1, 1), True),
    ('duration("P1Y")', YearsMonthsDuration(12), True),
])
def test_unary_tests_match_as_an_input_entry_does(text, value, expected):
    assert parse_unary_tests(text).matches(value, {}) is expected


def test_a_unary_test_naming_a_list_variable_matches_its_members():
    assert parse_unary_tests("allowed").matches("b", {"allowed": ["a", "b"]}) is True


def test_syntax_errors_name_the_position():
    with pytest.raises(FeelSyntaxError) as info:
        parse_expression("1 + * 2")
    assert info.value.position == 4


def test_a_pattern_may_name_a_unicode_block_as_xml_schema_does():
    assert feel('matches("王建国", "^\\\\p{IsCJKUnifiedIdeographs}+$")') is True
    assert feel('matches("Wang", "^\\\\p{IsCJKUnifiedIdeographs}+$")') is False


def test_a_pattern_may_subtract_characters_from_a_class_as_xml_schema_does():
    assert feel('matches("x", "[A-Z-[OI]]", "i")') is True
    assert feel('matches("O", "^[A-Z-[OI]]$")') is False
