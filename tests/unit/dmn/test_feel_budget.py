"""FEEL written in a decision table cannot hang the service: huge numbers, long texts, deep nesting and
backtracking patterns are refused when the table is read or answered in linear time."""
import pytest

from dmn_builders import table
from engine.dmn import DecisionInputError


def _out(text, inputs=(("x", ""),), context=None):
    return table([(["-"] * len(inputs), [text])], inputs=inputs, outputs=(("result", ""),))


@pytest.mark.parametrize("text", [
    "(" * 200 + "1" + ")" * 200,
    "-" * 200 + "1",
    "1 + " * 5000 + "1",
])
def test_a_constant_bomb_in_a_cell_is_a_deploy_problem(text):
    decision = _out(text)
    assert decision.problems(), "the table must be refused"


def test_a_backtracking_pattern_answers_at_once():
    decision = _out('matches(s, "(a+)+$")', inputs=(("s", "string"),))
    assert decision.evaluate({"s": "a" * 40 + "!"}).outputs == {"result": False}


def test_round_half_up_given_an_absurd_scale_is_refused_naming_the_output():
    with pytest.raises(DecisionInputError, match=r"rule 1, output 'result'.*scale"):
        _out("round_half_up(1.5, 1000000000)").evaluate({"x": 1})
