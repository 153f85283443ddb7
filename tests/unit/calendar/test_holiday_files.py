from datetime import date
from pathlib import Path

import pytest

from engine.calendar import CalendarFileError, CalendarYearMissing, WorkingCalendar

PROCESSES = Path(__file__).resolve().parents[3] / "processes"

HOLIDAYS_2027 = """\
year: 2027
source: "Test schedule (not the official one)"
holidays:
  - {date: 2027-01-01, name: 元旦}
  - 2027-02-08..2027-02-12
  - {from: 2027-10-01, to: 2027-10-07, name: 国庆节}
workdays:
  - {date: 2027-02-06, name: 春节调休}
"""


def write(tmp_path: Path, code: str, year: int, text: str) -> Path:
    folder = tmp_path / code / "holidays"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{year}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_national_folder_has_no_guessed_2027_schedule():
    assert not list((PROCESSES / "000000" / "holidays").glob("2027*.yaml"))
    assert (PROCESSES / "000000" / "holidays" / "README.md").exists()


def test_a_2027_date_without_a_holiday_file_fails_loudly_naming_the_file_to_create(tmp_path):
    cal = WorkingCalendar.for_locality(tmp_path, ["000000", "340000"])
    with pytest.raises(CalendarYearMissing) as raised:
        cal.next_workday(date(2027, 1, 4))
    assert raised.value.year == 2027
    assert raised.value.expected_file == tmp_path / "000000" / "holidays" / "2027.yaml"
    assert "2027" in str(raised.value) and "2004–2026" in str(raised.value)


def test_the_real_processes_folder_also_fails_for_2027():
    with pytest.raises(CalendarYearMissing, match="2027.yaml"):
        WorkingCalendar.for_locality(PROCESSES, ["000000"]).deadline(2027, 1, 5)


def test_a_2027_holiday_file_is_used(tmp_path):
    write(tmp_path, "000000", 2027, HOLIDAYS_2027)
    cal = WorkingCalendar.for_locality(tmp_path, ["000000"])
    assert not cal.is_workday(date(2027, 1, 1))             # Friday, 元旦
    assert cal.is_workday(date(2027, 2, 6))                  # Saturday, make-up day
    assert not cal.is_workday(date(2027, 2, 10))             # Wednesday in the range
    assert cal.is_workday(date(2027, 3, 3))                  # an ordinary Wednesday
    result = cal.deadline(2027, 10, 5)
    assert result.date == date(2027, 10, 8) and result.provisional is False
    assert "Test schedule" in result.source and "2027.yaml" in result.source
    assert cal.day(date(2027, 10, 1)).name == "国庆节"


def test_a_locality_file_replaces_the_national_one_for_its_year(tmp_path):
    write(tmp_path, "000000", 2027, HOLIDAYS_2027)
    write(tmp_path, "340000", 2027, "year: 2027\nsource: provincial\nholidays: [2027-03-03]\n")
    cal = WorkingCalendar.for_locality(tmp_path, ["000000", "340000"])
    assert not cal.is_workday(date(2027, 3, 3))
    assert cal.is_workday(date(2027, 1, 1))


def test_an_amending_locality_file_adds_a_local_day_off_on_top(tmp_path):
    write(tmp_path, "000000", 2027, HOLIDAYS_2027)
    write(tmp_path, "340722", 2027, "year: 2027\nsource: county notice\namends: true\nholidays: [2027-03-03]\n")
    cal = WorkingCalendar.for_locality(tmp_path, ["000000", "340000", "340722"])
    assert not cal.is_workday(date(2027, 3, 3)) and not cal.is_workday(date(2027, 1, 1))
    assert "county notice" in cal.day(date(2027, 3, 3)).source


def test_an_amending_file_can_change_a_year_chinesecalendar_covers(tmp_path):
    write(tmp_path, "220000", 2026, "year: 2026\nsource: local\namends: true\nholidays: [2026-03-04]\n")
    cal = WorkingCalendar.for_locality(tmp_path, ["000000", "220000"])
    assert not cal.is_workday(date(2026, 3, 4))
    assert not cal.is_workday(date(2026, 2, 17))             # still the national Spring Festival


def test_an_amending_file_alone_does_not_make_a_year_known(tmp_path):
    write(tmp_path, "340722", 2027, "year: 2027\nsource: county\namends: true\nholidays: [2027-03-03]\n")
    with pytest.raises(CalendarYearMissing):
        WorkingCalendar.for_locality(tmp_path, ["000000", "340722"]).is_workday(date(2027, 3, 4))


def test_the_weekends_fallback_marks_every_date_it_produced_as_provisional():
    cal = WorkingCalendar(fallback="weekends")
    rolled = cal.roll(date(2027, 1, 2), "next_workday")         # a Saturday
    assert rolled.date == date(2027, 1, 4) and rolled.provisional is True
    assert rolled.date.provisional is True and "fallback" in rolled.source
    assert cal.add_workdays(date(2027, 1, 1), 5).provisional is True
    assert cal.next_workday(date(2026, 12, 31)).provisional is False   # 2026 still from chinesecalendar
    assert cal.add_workdays(date(2026, 12, 30), 2).provisional is True  # crossed into 2027


@pytest.mark.parametrize("text,message", [
    ("year: 2027\nholidays: []\n", "source"),
    ("year: 2026\nsource: x\n", "named 2027.yaml but says year 2026"),
    ("year: 2027\nsource: x\nholidays: [2026-12-31]\n", "not in 2027"),
    ("year: 2027\nsource: x\nholidays: [2027-01-01]\nworkdays: [2027-01-01]\n", "both"),
    ("year: 2027\nsource: x\nholidays: [2027-02-30]\n", "not a date"),
    ("year: 2027\nsource: x\nholidays: [2027-02-10..2027-02-01]\n", "ends before"),
    ("year: 2027\nsource: x\nholiday: []\n", "unknown keys"),
])
def test_malformed_holiday_files_are_refused_with_the_file_and_entry(tmp_path, text, message):
    path = write(tmp_path, "000000", 2027, text)
    with pytest.raises(CalendarFileError, match=message) as raised:
        WorkingCalendar([path])
    assert raised.value.path == path
