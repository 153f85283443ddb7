"""Timer start events: the firing times the scheduler reads from an ISO 8601 cycle or date-time."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.clock import SHANGHAI
from engine.timer_starts import fire_times, start_timer_value

DEPLOYED = datetime(2027, 1, 31, 10, 0, tzinfo=SHANGHAI)
UNTIL = datetime(2027, 12, 31, tzinfo=SHANGHAI)


def beijing(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_a_cycle_with_a_start_fires_from_that_start():
    times = fire_times("timeCycle", "R/2025-02-01T09:00:00+08:00/P3M", beijing(2027, 1, 1), UNTIL)
    assert times == [beijing(2027, 2, 1, 9), beijing(2027, 5, 1, 9), beijing(2027, 8, 1, 9), beijing(2027, 11, 1, 9)]


def test_a_cycle_without_a_start_counts_from_the_deployment_as_in_camunda_7():
    times = fire_times("timeCycle", "R3/PT10M", None, UNTIL, deployed_at=DEPLOYED)
    assert times == [DEPLOYED + timedelta(minutes=10 * k) for k in (1, 2, 3)]


def test_monthly_cycles_keep_to_the_calendar_and_add_the_rest_of_the_period():
    assert fire_times("timeCycle", "R3/P1M", None, UNTIL, deployed_at=DEPLOYED) == [
        beijing(2027, 2, 28, 10), beijing(2027, 3, 31, 10), beijing(2027, 4, 30, 10)]
    assert fire_times("timeCycle", "R2/2027-01-01T09:00:00+08:00/P1M1D", None, UNTIL) == [
        beijing(2027, 1, 1, 9), beijing(2027, 2, 2, 9)]


def test_a_date_time_fires_once_and_quotes_or_a_wrapper_are_read_through():
    assert fire_times("timeDate", start_timer_value('"2027-03-01T09:00:00"'), None, UNTIL) == [beijing(2027, 3, 1, 9)]
    assert start_timer_value("${R/P1D}") == "R/P1D"


@pytest.mark.parametrize("kind, value", [
    ("timeCycle", "R/P1X"), ("timeCycle", "0 0 9 1 * ?"), ("timeCycle", "P1D"), ("timeDate", "tomorrow"),
    ("timeCycle", "R3/PT10M"),   # no start and no deployment time given
])
def test_values_the_scheduler_cannot_read_raise(kind, value):
    with pytest.raises(ValueError):
        fire_times(kind, value, None, UNTIL)
