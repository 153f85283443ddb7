"""The diagrams' deadline functions roll a date as the locality's deadline_roll table says, and only as it says."""
from __future__ import annotations

import pytest

from engine.calendar import WorkingCalendar
from engine.deadlines import calendar_functions
from tests.support.decisions import decide_in, edited


class _Engine:
    """What calendar_functions asks of the engine: the locality's calendar (its localities) and its decisions."""

    def __init__(self, decide):
        self._decide = decide

    def calendar(self, locality):
        return WorkingCalendar()

    def decide(self, decision_id, locality, inputs, *, seq=None, session=None):
        return self._decide(decision_id, inputs)


def test_a_monthly_deadline_on_a_sunday_moves_as_the_table_says(tmp_path):
    shipped_engine = _Engine(decide_in("340722"))
    shipped = calendar_functions(shipped_engine, shipped_engine, None, "340722", 1)
    assert shipped["deadline"]("2025-01", 5) == "2025-01-06"            # Sunday the 5th → Monday
    # a county that wants the offices to submit before the weekend instead
    processes = edited(tmp_path, "000000/deadline_roll.dmn",
                       '<outputEntry id="rule_001_roll_policy">\n          <text>"next_workday"',
                       '<outputEntry id="rule_001_roll_policy">\n          <text>"previous_workday"', into="340722")
    changed_engine = _Engine(decide_in("340722", processes))
    changed = calendar_functions(changed_engine, changed_engine, None, "340722", 1)
    assert changed["deadline"]("2025-01", 5) == "2025-01-03"


def test_without_a_deadline_roll_table_no_builtin_policy_is_assumed():
    def nothing_deployed(decision_id, inputs):
        raise LookupError(decision_id)
    empty = _Engine(nothing_deployed)
    functions = calendar_functions(empty, empty, None, "340722", 1)
    with pytest.raises(LookupError, match="deadline_roll"):
        functions["deadline"]("2025-01", 5)
