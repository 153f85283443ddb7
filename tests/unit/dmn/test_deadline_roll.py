import pytest

from dmn_builders import national


@pytest.mark.parametrize("kind,policy", [
    ("monthly_submission", "next_workday"), ("statutory_period", "next_workday"), ("task_due", "next_workday"),
    ("advance_notice", "previous_workday"), ("anything_else", "next_workday"),
])
def test_each_kind_of_deadline_has_a_roll_policy(kind, policy):
    out = national("deadline_roll").evaluate({"deadline_kind": kind}).outputs
    assert out == {"roll_policy": policy, "inclusive": True}
