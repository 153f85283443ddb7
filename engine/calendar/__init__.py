"""Working-day calendar: chinesecalendar for the years it knows, holiday files for the rest.

    cal = WorkingCalendar.for_locality("processes", ["000000", "340000", "340722"])
    cal.deadline(2026, 2, 15)            # RolledDate(date=2026-02-24, rolled=True, ...)
    cal.add_workdays(date(2025, 9, 30), 3)
"""
from .errors import CalendarError, CalendarFileError, CalendarYearMissing
from .holiday_files import HolidayFile, read_holiday_file
from .working import ROLL_POLICIES, DayInfo, RolledDate, WorkingCalendar, WorkingDate, add_months

__all__ = [
    "CalendarError", "CalendarFileError", "CalendarYearMissing", "DayInfo", "HolidayFile",
    "ROLL_POLICIES", "RolledDate", "WorkingCalendar", "WorkingDate", "add_months", "read_holiday_file",
]
