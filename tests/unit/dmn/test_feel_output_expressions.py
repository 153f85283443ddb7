from datetime import date
from decimal import Decimal

import pytest

from engine.dmn import DecisionInputError, FUNCTIONS
from engine.feel.builtins import BUILTINS

from dmn_builders import table


def output(text, context=None, type_ref="string"):
    decision = table([(["-"], [text])], outputs=(("result", type_ref),))
    return decision.evaluate({"x": 1, **(context or {})}).outputs["result"]


@pytest.mark.parametrize("text,expected", [
    ('"退休"', "退休"), ("42", 42), ("4.50", Decimal("4.5")), ("true", True), ("null", None), ("", None),
    ('date("2025-01-01")', date(2025, 1, 1)), ("-3", -3),
])
def test_output_literals(text, expected):
    assert output(text) == expected


@pytest.mark.parametrize("text,expected", [
    ('add_months("1965-01", 721)', "2025-02"),
    ('add_months("2025-03", -6)', "2024-09"),
    ('add_months(date("2025-08-31"), -6)', date(2025, 2, 28)),
    ('months_between("1965-01", "2025-02")', 721),
    ('year_month(date("1965-01-15"))', "1965-01"),
    ('year("2025-02")', 2025),
    ('month("2025-02")', 2),
    ('age_months(date("1965-01-20"), date("2025-02-19"))', 720),
    ("format_age(721)", "60岁1个月"),
    ("format_age(720)", "60岁"),
    ("min(3, 1, 2)", 1), ("max(0, -5)", 0), ("abs(-2)", 2), ("floor(7 / 2)", 3), ("ceiling(7 / 2)", 4),
    ("round_half_up(138.41666, 1)", Decimal("138.4")), ("round_half_up(2.5)", 3),
    ("7 / 2", Decimal("3.5")), ("2 + 3 * 4", 14), ("(2 + 3) * 4", 20), ('"a" + "b"', "ab"),
    ("if 1 < 2 then \"yes\" else \"no\"", "yes"),
    ("1 = 1 and 2 > 3", False), ("1 = 1 or 2 > 3", True), ('string(12)', "12"), ('number("12.5")', Decimal("12.5")),
    ('matches("1965-01", "^[0-9]{4}-[0-9]{2}$")', True), ("not(true)", False),
])
def test_helper_functions_and_arithmetic(text, expected):
    assert output(text) == expected


def test_outputs_read_inputs_and_dotted_paths_from_the_context():
    assert output("add_months(birth_month, 720 + 3)", {"birth_month": "1966-01"}) == "2026-04"
    assert output("person.category", {"person": {"category": "male"}}) == "male"


def test_a_missing_name_in_an_output_names_it():
    with pytest.raises(DecisionInputError, match="birth_month"):
        output("add_months(birth_month, 1)")


def test_a_helper_failing_on_its_input_names_the_rule_and_output():
    with pytest.raises(DecisionInputError, match=r"rule 1, output 'result'.*add_months"):
        output("add_months(birth_month, 1)", {"birth_month": "abc"})


def test_nothing_reaches_python_eval():
    decision = table([(["-"], ['__import__("os")'])])
    assert decision.problems() and "unknown function" in decision.problems()[0].message


def test_every_documented_function_exists():
    for name in ["date", "add_months", "months_between", "age_months", "year_month", "year", "month",
                 "format_age", "is_year_month", "min", "max", "abs", "floor", "ceiling", "round_half_up",
                 "string", "number", "matches", "not"]:
        assert name in FUNCTIONS or name in BUILTINS
