"""WorkingCalendar: official rest days and make-up workdays, from chinesecalendar or holiday files."""
from __future__ import annotations

import calendar as _stdlib_calendar
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterable

import chinese_calendar

from ..bpmn.expressions import add_months
from .errors import CalendarError, CalendarYearMissing
from .holiday_files import HolidayFile, read_holiday_file

log = logging.getLogger(__name__)

ROLL_POLICIES = ("none", "next_workday", "previous_workday", "extend_by_holidays")
FALLBACKS = ("error", "weekends")

try:
    LIBRARY = f"chinesecalendar {version('chinesecalendar')}"
except PackageNotFoundError:  # pragma: no cover
    LIBRARY = "chinesecalendar"


class WorkingDate(date):
    """A date the calendar produced, carrying where its working-day status came from."""

    def __new__(cls, year, month=None, day=None, *, source: str = "", provisional: bool = False):
        if isinstance(year, date):
            year, month, day = year.year, year.month, year.day
        obj = super().__new__(cls, year, month, day)
        obj.source = source
        obj.provisional = provisional
        return obj

    def __reduce__(self):
        return (_working_date, (self.year, self.month, self.day, self.source, self.provisional))

    def __repr__(self):
        flag = ", provisional" if self.provisional else ""
        return f"WorkingDate({self.isoformat()}{flag})"

    # arithmetic gives plain dates: a shifted day has not been looked up in the calendar
    def __add__(self, other):
        result = date.__add__(self, other)
        return _plain(result)

    __radd__ = __add__

    def __sub__(self, other):
        return _plain(date.__sub__(self, other))


def _plain(value):
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    return value


def _working_date(y, m, d, source, provisional):
    return WorkingDate(y, m, d, source=source, provisional=provisional)


@dataclass(frozen=True)
class DayInfo:
    date: date
    is_workday: bool
    name: str           # holiday / make-up workday name when known
    source: str
    provisional: bool


@dataclass(frozen=True)
class RolledDate:
    date: WorkingDate
    rolled: bool          # the date moved because the original day was not a working day
    source: str           # where the working-day data of the days looked at came from
    provisional: bool     # produced (partly) by the weekends-only fallback
    original: date | None = None


@dataclass
class _Year:
    base: str                                   # "library", "file" or "fallback"
    source: str
    provisional: bool = False
    rest: dict = field(default_factory=dict)    # date -> name
    work: dict = field(default_factory=dict)


class WorkingCalendar:
    """Working days for the People's Republic of China, with locality holiday files.

    holiday_files are applied in order (national first, then overriding localities). For each
    year the last file that does not say `amends: true` replaces everything before it
    (chinesecalendar included); `amends: true` files change single days on top of that.
    A year with no data raises CalendarYearMissing, unless fallback="weekends": then Monday to
    Friday are working days and every date produced from that year is marked provisional.
    """

    def __init__(self, holiday_files: Iterable[Path | str] = (), fallback: str = "error", *,
                 holiday_dir: Path | str | None = None):
        if fallback not in FALLBACKS:
            raise CalendarError(f"calendar fallback must be one of {FALLBACKS}, not {fallback!r}")
        self.fallback = fallback
        self.files = [read_holiday_file(p) for p in holiday_files]
        self.holiday_dir = Path(holiday_dir) if holiday_dir else (
            self.files[0].path.parent if self.files else None)
        self._years: dict[int, _Year] = {}

    @classmethod
    def for_locality(cls, processes_dir: Path | str, locality_path: Iterable[str],
                     fallback: str = "error") -> "WorkingCalendar":
        """Calendar for a locality: holiday files of each code on its path, national first."""
        processes_dir = Path(processes_dir)
        codes = list(locality_path)
        files = [p for code in codes for p in sorted((processes_dir / code / "holidays").glob("*.yaml"))]
        return cls(files, fallback, holiday_dir=processes_dir / (codes[0] if codes else "000000") / "holidays")

    # -- single days
    def day(self, d: date) -> DayInfo:
        year = self._year(d.year)
        if d in year.work:
            return DayInfo(d, True, year.work[d], year.source, year.provisional)
        if d in year.rest:
            return DayInfo(d, False, year.rest[d], year.source, year.provisional)
        if year.base == "library":
            is_holiday, name = chinese_calendar.get_holiday_detail(d)
            return DayInfo(d, not is_holiday, name or "", year.source, False)
        return DayInfo(d, d.weekday() < 5, "", year.source, year.provisional)

    def is_workday(self, d: date) -> bool:
        return self.day(d).is_workday

    # -- moving between days
    def next_workday(self, d: date, include_today: bool = True) -> WorkingDate:
        return self._step(d, +1, include_today)[0]

    def previous_workday(self, d: date, include_today: bool = True) -> WorkingDate:
        return self._step(d, -1, include_today)[0]

    def add_workdays(self, d: date, n: int) -> WorkingDate:
        """The n-th working day after d (d itself not counted); n < 0 counts back; n = 0 is
        d when it is a working day, else the next one."""
        if n == 0:
            return self.next_workday(d)
        direction = 1 if n > 0 else -1
        seen: list[DayInfo] = []
        current = d
        for _ in range(abs(n)):
            current, infos = self._step(current, direction, include_today=False)
            seen += infos
        return self._stamp(current, seen)

    def roll(self, d: date, policy: str = "next_workday", *, period_start: date | None = None) -> RolledDate:
        """Move a deadline that falls on a rest day according to a deadline_roll policy.

        next_workday / previous_workday: the first working day on or after / before d.
        extend_by_holidays (税收征管法实施细则第109条): d plus the number of rest days in runs of
        3 or more consecutive rest days between period_start (default: the 1st of d's month)
        and d, then the next working day.  none: d unchanged (still stamped with its source).
        """
        if policy not in ROLL_POLICIES:
            raise CalendarError(f"unknown roll policy {policy!r}; use one of {ROLL_POLICIES}")
        if policy == "none":
            info = self.day(d)
            return RolledDate(self._stamp(d, [info]), False, info.source, info.provisional, d)
        if policy == "previous_workday":
            result, infos = self._step(d, -1, include_today=True)
        elif policy == "next_workday":
            result, infos = self._step(d, +1, include_today=True)
        else:
            extra, infos = self._long_break_days(period_start or d.replace(day=1), d)
            result, more = self._step(d + timedelta(days=extra), +1, include_today=True)
            infos += more
            result = self._stamp(result, infos)
        return RolledDate(result, result != d, result.source, result.provisional, d)

    def deadline(self, year: int, month: int, day: int, policy: str = "next_workday") -> RolledDate:
        """"By the <day>th of the month": the day (clamped to the month's end), rolled by policy."""
        last = _stdlib_calendar.monthrange(year, month)[1]
        d = date(year, month, min(day, last))
        return self.roll(d, policy, period_start=date(year, month, 1))

    def shift_months(self, d: date, months: int, policy: str = "next_workday") -> RolledDate:
        """The same day `months` months later (earlier if negative; month end when the day does
        not exist, 民法典第二百零二条), rolled by policy — e.g. 6 months before a retirement date."""
        return self.roll(add_months(d, months), policy)

    # -- internals
    def _step(self, d: date, direction: int, include_today: bool) -> tuple[WorkingDate, list[DayInfo]]:
        current = d if include_today else d + timedelta(days=direction)
        infos = []
        for _ in range(370):
            info = self.day(current)
            infos.append(info)
            if info.is_workday:
                return self._stamp(current, infos), infos
            current += timedelta(days=direction)
        raise CalendarError(f"no working day within a year of {d.isoformat()}")  # pragma: no cover

    def _long_break_days(self, start: date, end: date) -> tuple[int, list[DayInfo]]:
        infos, count, run = [], 0, 0
        current = start
        while current <= end:
            info = self.day(current)
            infos.append(info)
            run = run + 1 if not info.is_workday else 0
            if run == 3:
                count += 3
            elif run > 3:
                count += 1
            current += timedelta(days=1)
        return count, infos

    @staticmethod
    def _stamp(d: date, infos: list[DayInfo]) -> WorkingDate:
        sources = list(dict.fromkeys(i.source for i in infos))
        return WorkingDate(d, source="; ".join(sources), provisional=any(i.provisional for i in infos))

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._resolve(year)
        return cached

    def _resolve(self, year: int) -> _Year:
        base: HolidayFile | None = None
        amendments: list[HolidayFile] = []
        for f in self.files:
            if f.year != year:
                continue
            if f.amends:
                amendments.append(f)
            else:
                base, amendments = f, []
        if base is not None:
            result = _Year("file", base.label, False, dict(base.rest_days), dict(base.workdays))
        elif _library_covers(year):
            result = _Year("library", LIBRARY)
        elif self.fallback == "weekends":
            log.warning("no holiday data for %s: using the weekends-only fallback; dates are provisional", year)
            return _Year("fallback", f"weekends-only fallback: no holiday data for {year}", True)
        else:
            raise CalendarYearMissing(year, self._expected_file(year), _library_range())
        for f in amendments:
            for d, name in f.rest_days.items():
                result.work.pop(d, None)
                result.rest[d] = name
            for d, name in f.workdays.items():
                result.rest.pop(d, None)
                result.work[d] = name
            result.source += f"; {f.label}"
        return result

    def _expected_file(self, year: int) -> Path | None:
        return self.holiday_dir / f"{year}.yaml" if self.holiday_dir else None


_COVERAGE: dict[int, bool] = {}


def _library_covers(year: int) -> bool:
    if year not in _COVERAGE:
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            _COVERAGE[year] = True
        except NotImplementedError:
            _COVERAGE[year] = False
    return _COVERAGE[year]


def _library_range() -> str:
    years = [y for y in range(2000, 2101) if _library_covers(y)]
    return f"{years[0]}–{years[-1]}" if years else "no years"
