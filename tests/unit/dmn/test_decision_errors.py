import pytest

from engine.dmn import (
    AmbiguousMatch,
    DecisionError,
    DecisionInputError,
    DecisionSyntaxError,
    NoMatchingRule,
    UNMATCHED,
)

from dmn_builders import table

AGES = [(["< 18"], ['"child"']), (["[18..65)"], ['"adult"'])]


def test_no_matching_rule_gives_null_as_the_standard_says_and_keeps_the_reason_for_an_incident():
    result = table(AGES, inputs=(("age", "number"),)).evaluate({"age": 70})
    assert result.outputs is None and result.matched_rules == [] and result.inputs == {"age": 70}
    error = UNMATCHED.get()
    assert isinstance(error, NoMatchingRule)
    assert str(error) == "decision example (示例): no rule matches the inputs age = 70"
    assert error.decision_id == "example" and error.inputs == {"age": 70}


def test_a_collect_table_with_no_matching_rule_gives_an_empty_list():
    result = table(AGES, inputs=(("age", "number"),), hit_policy="COLLECT").evaluate({"age": 70})
    assert result.outputs == []


def test_a_missing_input_is_named():
    with pytest.raises(DecisionInputError) as raised:
        table(AGES, inputs=(("age", "number"),)).evaluate({"agee": 70})
    assert raised.value.input_name == "age" and raised.value.element_id == "in1"
    assert "'age'" in str(raised.value)


def test_a_missing_part_of_a_dotted_path_is_named():
    decision = table([(['"male"'], ['"m"'])], inputs=(("person.category", "string"),))
    assert decision.evaluate({"person": {"category": "male"}}).outputs == {"result": "m"}
    with pytest.raises(DecisionInputError, match="person.category"):
        decision.evaluate({"person": {}})


def test_a_malformed_input_is_named_with_its_expected_type():
    with pytest.raises(DecisionInputError, match=r"\(age\) is malformed: 'seventy' is not a number"):
        table(AGES, inputs=(("age", "number"),)).evaluate({"age": "seventy"})


def test_a_computed_input_that_fails_is_named():
    decision = table([([">= 0"], ['"ok"'])], inputs=(("paid - minimum", "number"),))
    assert decision.evaluate({"paid": 5, "minimum": 3}).outputs == {"result": "ok"}
    with pytest.raises(DecisionInputError, match="minimum"):
        decision.evaluate({"paid": 5})


def test_an_ambiguous_unique_match_names_the_rules():
    decision = table([(["< 10"], ['"a"']), (["< 20"], ['"b"'])], inputs=(("n", "number"),))
    with pytest.raises(AmbiguousMatch, match="rules 1 and 2 all match the inputs n = 5"):
        decision.evaluate({"n": 5})


def test_every_error_is_a_decision_error_carrying_the_decision_id():
    for cls in (NoMatchingRule, AmbiguousMatch, DecisionInputError, DecisionSyntaxError):
        assert issubclass(cls, DecisionError)
    try:
        table(AGES, inputs=(("age", "number"),)).evaluate({"age": 70})
    except DecisionError as error:
        assert error.decision_id == "example"


@pytest.mark.parametrize("value,message", [("seventy", "is not a number"), (60.5, "is not a whole number"),
                                           ("NaN", "is not a number"), (True, "is not a number")])
def test_an_integer_column_refuses_what_is_not_a_whole_number(value, message):
    with pytest.raises(DecisionInputError, match=message):
        table(AGES, inputs=(("age", "integer"),)).evaluate({"age": value})


def test_numbers_given_as_text_or_floats_are_read_exactly():
    decision = table([(["0.3"], ['"exact"'])], inputs=(("share", "number"),))
    assert decision.evaluate({"share": 0.3}).outputs == {"result": "exact"}
    assert decision.evaluate({"share": "0.30"}).outputs == {"result": "exact"}
