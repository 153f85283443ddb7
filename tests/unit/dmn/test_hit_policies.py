from decimal import Decimal

import pytest

from engine.dmn import AmbiguousMatch, DecisionInputError

from dmn_builders import table

# age -> discounts, deliberately overlapping for the multi-hit policies
OVERLAPPING = [
    (["< 18"], ['"child"', "10"]),
    (["< 65"], ['"adult"', "5"]),
    ([">= 60"], ['"senior"', "20"]),
]
OUTPUTS = (("kind", "string"), ("discount", "number"))


def decide(hit_policy, age, aggregation=None, rules=OVERLAPPING, **kw):
    decision = table(rules, inputs=(("age", "number"),), outputs=OUTPUTS, hit_policy=hit_policy,
                     aggregation=aggregation, **kw)
    return decision.evaluate({"age": age})


def test_unique_returns_the_one_matching_rule_as_a_dict():
    result = decide("UNIQUE", 30)
    assert result.outputs == {"kind": "adult", "discount": 5}
    assert result.matched_rules == [2] and result.matched_rule_ids == ["r2"]


def test_unique_refuses_inputs_that_match_two_rules_naming_them():
    with pytest.raises(AmbiguousMatch, match="rules 2 and 3") as raised:
        decide("UNIQUE", 62)
    assert raised.value.rule_numbers == [2, 3]


def test_first_returns_the_first_match_in_rule_order():
    result = decide("FIRST", 10)
    assert result.outputs == {"kind": "child", "discount": 10} and result.matched_rules == [1]


def test_priority_picks_the_output_listed_first_in_the_output_values():
    result = decide("PRIORITY", 62, output_values={"kind": '"senior","child","adult"'})
    assert result.outputs["kind"] == "senior" and result.matched_rules == [3]
    result = decide("PRIORITY", 10, output_values={"kind": '"senior","child","adult"'})
    assert result.outputs["kind"] == "child"


def test_any_accepts_several_matches_with_equal_outputs_only():
    same = [(["< 18"], ['"young"', "10"]), (["< 20"], ['"young"', "10"])]
    assert decide("ANY", 10, rules=same).outputs == {"kind": "young", "discount": 10}
    with pytest.raises(AmbiguousMatch, match="different outputs"):
        decide("ANY", 62)


def test_rule_order_returns_every_match_in_rule_order():
    result = decide("RULE ORDER", 62)
    assert result.outputs == [{"kind": "adult", "discount": 5}, {"kind": "senior", "discount": 20}]
    assert result.matched_rules == [2, 3]


def test_output_order_sorts_matches_by_output_priority():
    result = decide("OUTPUT ORDER", 62, output_values={"kind": '"senior","child","adult"'})
    assert [row["kind"] for row in result.outputs] == ["senior", "adult"]
    assert result.matched_rules == [3, 2]


def test_collect_without_aggregation_returns_a_list():
    assert decide("COLLECT", 10).outputs == [{"kind": "child", "discount": 10}, {"kind": "adult", "discount": 5}]


DISCOUNTS = [(["< 18"], ["10"]), (["< 65"], ["5"]), ([">= 60"], ["20"]), ([">= 60"], ["2.5"])]


@pytest.mark.parametrize("aggregation,expected", [("SUM", Decimal("27.5")), ("MIN", Decimal("2.5")),
                                                  ("MAX", 20), ("COUNT", 3)])
def test_collect_aggregates_each_output(aggregation, expected):
    decision = table(DISCOUNTS, inputs=(("age", "number"),), outputs=(("discount", "number"),),
                     hit_policy="COLLECT", aggregation=aggregation)
    result = decision.evaluate({"age": 62})
    assert result.outputs == {"discount": expected}
    assert result.matched_rules == [2, 3, 4]


def test_collect_sum_over_text_is_an_error_at_deploy_and_at_run_time():
    decision = table(OVERLAPPING, inputs=(("age", "number"),), outputs=OUTPUTS, hit_policy="COLLECT",
                     aggregation="SUM")
    assert any("kind" in p.message for p in decision.problems())
    with pytest.raises(DecisionInputError, match="needs numbers"):
        decision.evaluate({"age": 62})


def test_collect_count_counts_string_outputs_too():
    assert decide("COLLECT", 62, aggregation="COUNT").outputs == {"kind": 2, "discount": 2}


def test_dmn_js_spelling_of_hit_policies_is_accepted():
    assert decide("RULE_ORDER", 62).matched_rules == [2, 3]
