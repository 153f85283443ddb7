from datetime import date

import chinese_calendar
import pytest

from engine.calendar import CalendarError, RolledDate, WorkingCalendar

CAL = WorkingCalendar()

# domain.md §7.3: date, is a working day, first working day on or after it
SECTION_7_3 = [
    ("2025-01-05", False, "2025-01-06"),
    ("2025-02-15", False, "2025-02-17"),
    ("2025-04-05", False, "2025-04-07"),
    ("2025-05-05", False, "2025-05-06"),
    ("2025-10-05", False, "2025-10-09"),
    ("2025-10-15", True, "2025-10-15"),
    ("2026-02-15", False, "2026-02-24"),
    ("2026-04-05", False, "2026-04-07"),
    ("2026-05-05", False, "2026-05-06"),
    ("2026-10-05", False, "2026-10-08"),
    ("2025-09-28", True, "2025-09-28"),
]


@pytest.mark.parametrize("day,workday,next_workday", SECTION_7_3)
def test_the_dated_examples_of_the_domain_notes_hold(day, workday, next_workday):
    d = date.fromisoformat(day)
    assert CAL.is_workday(d) is workday
    assert CAL.next_workday(d) == date.fromisoformat(next_workday)


@pytest.mark.parametrize("day,workday,next_workday", SECTION_7_3)
def test_the_dated_examples_agree_with_chinesecalendar_itself(day, workday, next_workday):
    d = date.fromisoformat(day)
    assert chinese_calendar.is_workday(d) is workday
    assert chinese_calendar.find_workday(0, d) == date.fromisoformat(next_workday)


def test_weekend_make_up_days_are_working_days():
    for d in (date(2025, 9, 28), date(2026, 1, 4), date(2026, 2, 14)):
        assert CAL.is_workday(d), d


def test_every_day_of_2025_and_2026_matches_chinesecalendar():
    d = date(2025, 1, 1)
    while d.year < 2027:
        assert CAL.is_workday(d) is chinese_calendar.is_workday(d), d
        d = date.fromordinal(d.toordinal() + 1)


def test_produced_dates_say_where_their_status_came_from():
    result = CAL.next_workday(date(2025, 10, 1))
    assert result == date(2025, 10, 9)
    assert result.source.startswith("chinesecalendar") and result.provisional is False


def test_next_workday_can_exclude_today():
    assert CAL.next_workday(date(2025, 10, 15), include_today=False) == date(2025, 10, 16)


def test_adding_working_days_skips_the_national_day_week():
    assert CAL.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert CAL.add_workdays(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert CAL.add_workdays(date(2025, 10, 4), 0) == date(2025, 10, 9)
    assert CAL.add_workdays(date(2025, 9, 26), 3) == date(2025, 9, 30)   # 9-28 (Sun) is a make-up day
    assert CAL.add_workdays(date(2025, 9, 26), 4) == date(2025, 10, 9)


@pytest.mark.parametrize("day,policy,expected,rolled", [
    ("2026-02-15", "next_workday", "2026-02-24", True),
    ("2026-02-15", "previous_workday", "2026-02-14", True),     # Saturday make-up working day
    ("2026-02-15", "none", "2026-02-15", False),
    ("2025-10-15", "next_workday", "2025-10-15", False),
    ("2025-10-15", "extend_by_holidays", "2025-10-23", True),    # 8-day break in the month: +8 days
    ("2025-06-15", "extend_by_holidays", "2025-06-16", True),    # only a weekend: next working day
])
def test_roll_policies(day, policy, expected, rolled):
    result = CAL.roll(date.fromisoformat(day), policy)
    assert isinstance(result, RolledDate)
    assert result.date == date.fromisoformat(expected) and result.rolled is rolled
    assert result.original == date.fromisoformat(day) and result.provisional is False


def test_monthly_deadlines_by_the_5th_and_15th_move_to_the_next_working_day():
    assert CAL.deadline(2025, 10, 5).date == date(2025, 10, 9)
    assert CAL.deadline(2025, 1, 5).date == date(2025, 1, 6)
    assert CAL.deadline(2026, 2, 15).date == date(2026, 2, 24)
    assert CAL.deadline(2025, 10, 15).date == date(2025, 10, 15)
    assert CAL.deadline(2025, 2, 31).original == date(2025, 2, 28)


def test_six_two_and_one_months_before_a_retirement_date():
    retirement = date(2026, 8, 1)
    assert CAL.shift_months(retirement, -6, "previous_workday").date == date(2026, 1, 30)   # 2-01 is a Sunday
    assert CAL.shift_months(retirement, -2).date == date(2026, 6, 1)
    assert CAL.shift_months(retirement, -1).date == date(2026, 7, 1)
    assert CAL.shift_months(date(2026, 3, 31), -1, "none").date == date(2026, 2, 28)


def test_an_unknown_policy_is_refused():
    with pytest.raises(CalendarError, match="unknown roll policy"):
        CAL.roll(date(2025, 1, 1), "sideways")
