"""FEEL written in a decision table or a form's hide condition cannot hang the service: huge numbers, long
texts, deep nesting and backtracking patterns are refused or answered in linear time."""
import pytest

from engine.dmn.feel import FeelEvalError, compile_expression, parse_expression
from engine.dmn.lexer import FeelSyntaxError


def _value(text, context=None):
    compiled = compile_expression(parse_expression(text))
    return compiled.value if compiled.constant else compiled.fn(context or {}, None)


@pytest.mark.parametrize("text", [
    "(" * 200 + "1" + ")" * 200,
    "-" * 200 + "1",
    "1" + " + 1" * 1000,
    "9" * 5000,
    " * ".join(["99999999999999999999"] * 60),
    "1 + " * 5000 + "1",
])
def test_a_constant_bomb_is_refused_when_the_table_is_read(text):
    with pytest.raises(FeelSyntaxError):
        compile_expression(parse_expression(text))


def test_a_product_fed_by_data_stops_with_a_reason():
    with pytest.raises(FeelEvalError, match="bits"):
        _value("x * x * x * x", {"x": 2 ** 400})


def test_a_string_fed_by_data_stops_with_a_reason():
    with pytest.raises(FeelEvalError, match="longer"):
        _value("s + s", {"s": "a" * 60_000})


def test_a_backtracking_pattern_answers_at_once():
    assert _value('matches(s, "(a+)+$")', {"s": "a" * 40 + "!"}) is False
    assert _value('matches("1965-01", "^[0-9]{4}-[0-9]{2}$")') is True


def test_round_half_up_refuses_an_absurd_scale():
    with pytest.raises(FeelSyntaxError):
        _value("round_half_up(1.5, 1000000000)")
