"""Errors of the working-day calendar."""
from __future__ import annotations

from pathlib import Path


class CalendarError(Exception):
    """Base class for calendar errors."""


class CalendarYearMissing(CalendarError):
    """No official holiday schedule is known for a year, and no fallback is configured."""

    def __init__(self, year: int, expected_file: Path | None, library_range: str):
        self.year = year
        self.expected_file = expected_file
        where = str(expected_file) if expected_file else f"processes/000000/holidays/{year}.yaml"
        super().__init__(
            f"no working-day data for {year}: chinesecalendar covers {library_range} and no holiday "
            f"file gives {year}. Create {where} from the State Council's holiday notice for {year} "
            f"(format: processes/000000/holidays/README.md), or configure the locality's calendar "
            f"fallback 'weekends' (dates it produces are marked provisional).")


class CalendarFileError(CalendarError):
    """A holiday file is malformed; the message names the file and the entry."""

    def __init__(self, path: Path | str, message: str):
        self.path = Path(path)
        super().__init__(f"{path}: {message}")
