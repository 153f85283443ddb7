"""What a deploy check needs from a FEEL text: the names it reads, the functions it calls, and a cell's
tests as intervals (so overlapping or missing rules can be found)."""
from datetime import date
from decimal import Decimal

from engine.feel import UNBOUNDED, Range, parse_expression, parse_unary_tests


def test_the_names_an_expression_reads_leave_out_what_it_binds_itself():
    expr = parse_expression("for x in xs return {a: x + y, b: a * z}.b + count(list[item > q]) + "
                            "(function(n) n + w)(1)")
    assert expr.free_names() == {"xs", "y", "z", "list", "w"}
    assert expr.called_functions() == {"count"}


def test_a_cell_of_constants_reads_as_intervals():
    assert parse_unary_tests("[55..60)").intervals == (Range(Decimal(55), Decimal(60), True, False),)
    assert parse_unary_tests('< date("2025-01-01")').intervals == (
        Range(UNBOUNDED, date(2025, 1, 1), False, False),)
    tests = parse_unary_tests('not("a", "b")')
    assert tests.negated and tests.constants == ("a", "b")


def test_a_cell_that_depends_on_data_has_no_intervals():
    assert parse_unary_tests("> limit").intervals is None
    assert parse_unary_tests("? > 1").intervals is None
    assert parse_unary_tests("-").is_any


def test_named_arguments_are_read_as_values_not_as_syntax():
    expr = parse_expression('context put(context: {a: x}, key: "b", value: y)')
    assert expr.free_names() == {"x", "y"}
    assert expr.called_functions() == {"context put"}
