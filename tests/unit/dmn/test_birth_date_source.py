from datetime import date

import pytest

from engine.dmn import DecisionInputError

from dmn_builders import national


def source(id_card, file_earliest):
    return national("birth_date_source").evaluate(
        {"id_card_birth_date": id_card, "file_earliest_birth_date": file_earliest}).outputs


def test_the_personnel_files_earliest_record_wins_over_the_id_card():
    out = source(date(1965, 3, 1), date(1964, 11, 20))
    assert out == {"effective_birth_date": date(1964, 11, 20), "mismatch": True}


def test_matching_records_are_not_a_mismatch():
    assert source(date(1965, 3, 1), date(1965, 3, 1)) == {"effective_birth_date": date(1965, 3, 1), "mismatch": False}


def test_without_a_file_record_the_id_card_is_used():
    assert source("1965-03-01", None) == {"effective_birth_date": date(1965, 3, 1), "mismatch": False}


def test_iso_strings_and_dates_compare_as_dates():
    assert source("1965-03-01", date(1965, 3, 1))["mismatch"] is False


def test_a_missing_id_card_date_is_an_input_error():
    with pytest.raises(DecisionInputError, match="id_card_birth_date"):
        source(None, date(1965, 3, 1))
    with pytest.raises(DecisionInputError, match="not an ISO date"):
        source("1 March 1965", None)


def test_a_date_produced_by_the_working_calendar_is_read_as_a_date():
    from engine.calendar import WorkingCalendar
    working_date = WorkingCalendar().next_workday(date(2025, 1, 5))
    assert source(working_date, None)["effective_birth_date"] == date(2025, 1, 6)
