"""Read processes/<code>/holidays/<year>.yaml: a year's official rest days and make-up workdays.

    year: 2027
    source: "国务院办公厅关于2027年部分节假日安排的通知 https://www.gov.cn/..."
    amends: false            # optional; true = only changes on top of the schedule it overrides
    holidays:                # rest days (a weekday listed here is not worked)
      - 2027-01-01
      - 2027-02-05..2027-02-12
      - {from: 2027-10-01, to: 2027-10-07, name: 国庆节}
    workdays:                # make-up working days (a weekend day listed here is worked)
      - {date: 2027-02-14, name: 春节调休}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

from .errors import CalendarFileError


class _DatesAsText(yaml.SafeLoader):
    """Safe loader that leaves dates as text, so a bad date is reported with its entry number."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class HolidayFile:
    path: Path
    year: int
    source: str
    amends: bool = False
    rest_days: dict[date, str] = field(default_factory=dict)
    workdays: dict[date, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.path} ({self.source})" if self.source else str(self.path)


def read_holiday_file(path: Path | str) -> HolidayFile:
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DatesAsText)
    except (OSError, yaml.YAMLError) as exc:
        raise CalendarFileError(path, f"cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise CalendarFileError(path, "expected a mapping with year, source, holidays, workdays")
    unknown = set(data) - {"year", "source", "amends", "holidays", "workdays"}
    if unknown:
        raise CalendarFileError(path, f"unknown keys {sorted(unknown)}")
    year = data.get("year")
    if not isinstance(year, int):
        raise CalendarFileError(path, "'year' must be a number like 2027")
    if path.stem.isdigit() and int(path.stem) != year:
        raise CalendarFileError(path, f"file is named {path.name} but says year {year}")
    source = str(data.get("source") or "").strip()
    if not source:
        raise CalendarFileError(path, "'source' must name the State Council notice (title and/or URL)")
    amends = data.get("amends", False)
    if not isinstance(amends, bool):
        raise CalendarFileError(path, "'amends' must be true or false")
    rest = _days(path, year, data.get("holidays") or [], "holidays")
    work = _days(path, year, data.get("workdays") or [], "workdays")
    both = sorted(set(rest) & set(work))
    if both:
        raise CalendarFileError(path, f"{both[0].isoformat()} is listed both as a holiday and as a workday")
    return HolidayFile(path, year, source, amends, rest, work)


def _days(path: Path, year: int, entries, key: str) -> dict[date, str]:
    if not isinstance(entries, list):
        raise CalendarFileError(path, f"'{key}' must be a list")
    days: dict[date, str] = {}
    for n, entry in enumerate(entries, 1):
        name = ""
        if isinstance(entry, dict):
            name = str(entry.get("name") or "")
            if "date" in entry:
                first = last = _date(path, key, n, entry["date"])
            else:
                first = _date(path, key, n, entry.get("from"))
                last = _date(path, key, n, entry.get("to"))
        elif isinstance(entry, str) and ".." in entry:
            start, _, end = entry.partition("..")
            first, last = _date(path, key, n, start), _date(path, key, n, end)
        else:
            first = last = _date(path, key, n, entry)
        if last < first:
            raise CalendarFileError(path, f"{key} entry {n}: range ends before it starts")
        day = first
        while day <= last:
            if day.year != year:
                raise CalendarFileError(
                    path, f"{key} entry {n}: {day.isoformat()} is not in {year}; "
                          f"put it in {day.year}.yaml")
            days[day] = name
            day += timedelta(days=1)
    return days


def _date(path: Path, key: str, n: int, value) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarFileError(path, f"{key} entry {n}: {value!r} is not a date (YYYY-MM-DD)")
