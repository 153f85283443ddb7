"""The locality tree (national → province → city → county) read from ``processes/<code>/settings.yaml``, and
``Localities``: the tree as deployed (the ``localities`` table), its merged settings and its calendars."""
from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
import yaml

from handlers.context import read_only as read_only_view

from .errors import NotFound
from .store.models import Locality

LEVELS = {0: "national", 1: "province", 2: "city", 3: "county"}


@dataclass
class LocalityInfo:
    code: str
    name: str
    parent: str | None
    settings: dict = field(default_factory=dict)
    folder: Path | None = None


@lru_cache(maxsize=64)
def _read_settings(text: str) -> dict:
    """A settings.yaml read once per content (every folder sync reads the same files); callers get a copy."""
    return yaml.safe_load(text) or {}


def read_locality_folders(processes_dir: Path) -> dict[str, LocalityInfo]:
    found: dict[str, LocalityInfo] = {}
    for settings_file in sorted(Path(processes_dir).glob("*/settings.yaml")):
        raw = copy.deepcopy(_read_settings(settings_file.read_text(encoding="utf-8")))
        code = str(raw.get("code") or settings_file.parent.name)
        parent = raw.get("parent")
        found[code] = LocalityInfo(code=code, name=raw.get("name", code), parent=str(parent) if parent else None,
                                   settings=raw.get("parameters") or {}, folder=settings_file.parent)
    for info in found.values():
        if info.parent and info.parent not in found:
            raise ValueError(f"{info.folder}/settings.yaml: parent {info.parent} has no folder in {processes_dir}")
    return found


def chain(localities: dict[str, LocalityInfo], code: str) -> list[str]:
    """[code, parent, …, root] — nearest first."""
    out, seen = [], set()
    while code:
        if code in seen or code not in localities:
            break
        seen.add(code)
        out.append(code)
        code = localities[code].parent
    return out


def path_of(localities: dict, code: str) -> str:
    return "/" + "/".join(reversed(chain(localities, code))) + "/"


def deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def merged_settings(localities: dict, code: str) -> dict:
    merged: dict = {}
    for c in reversed(chain(localities, code)):
        merged = deep_merge(merged, localities[c].settings)
    return merged


class Localities:
    """The deployed locality tree, read once from the ``localities`` table, with each locality's settings merged
    along its chain and its working calendar; all cached until ``forget`` (a deploy of the locality folders)."""

    def __init__(self, session_factory, processes_dir: Path):
        self._Session = session_factory
        self._processes_dir = Path(processes_dir)
        self._all: dict[str, LocalityInfo] | None = None
        self._calendars: dict[str, object] = {}
        self._merged: dict[str, dict] = {}
        self._pickled: dict[str, bytes] = {}
        self._read_only: dict[str, dict] = {}

    def all(self) -> dict[str, LocalityInfo]:
        if self._all is None:
            with self._Session() as session:
                rows = session.scalars(sa.select(Locality)).all()
            self._all = {r.code: LocalityInfo(r.code, r.name, r.parent, r.settings or {}) for r in rows}
        return self._all

    def forget(self) -> None:
        self._all = None
        self._calendars.clear()
        self._merged.clear()
        self._pickled.clear()
        self._read_only.clear()

    def require(self, code: str) -> LocalityInfo:
        """The locality ``code``; NotFound when there is none."""
        found = self.all().get(str(code))
        if found is None:
            raise NotFound(f"unknown locality {code}", field="locality")
        return found

    def chain(self, code: str) -> list[str]:
        return chain(self.all(), code)

    def path(self, code: str) -> str:
        return path_of(self.all(), code)

    def in_scope(self, scope_locality: str, code: str) -> bool:
        return scope_locality in self.chain(code)

    def settings(self, code: str, *, read_only: bool = False) -> dict:
        """The locality's parameters merged along its chain: a fresh copy the caller may change, or with
        ``read_only`` one shared view that refuses every change (a handler's ``ctx.settings``, at no cost)."""
        if read_only:
            view = self._read_only.get(code)
            if view is None:
                view = self._read_only[code] = read_only_view(self._merged_settings(code))
            return view
        # unpickling the cached bytes is several times cheaper than deepcopy
        blob = self._pickled.get(code)
        if blob is None:
            blob = self._pickled[code] = pickle.dumps(self._merged_settings(code), pickle.HIGHEST_PROTOCOL)
        return pickle.loads(blob)

    def _merged_settings(self, code: str) -> dict:
        # merging deep-copies every level of the chain (about 0.5 ms); the result only changes on a deploy,
        # which calls forget(). Read-only for the engine's own use.
        found = self._merged.get(code)
        if found is None:
            found = self._merged[code] = merged_settings(self.all(), code)
        return found

    def item_catalog(self, code: str) -> dict:
        return {i["code"]: dict(i) for i in (self._merged_settings(code).get("items") or [])}

    def calendar(self, code: str):
        cal = self._calendars.get(code)
        if cal is None:
            from .calendar import WorkingCalendar

            files = []
            for c in reversed(self.chain(code)):
                files.extend(sorted((self._processes_dir / c / "holidays").glob("*.yaml")))
            fallback = (self._merged_settings(code).get("calendar") or {}).get("fallback", "error")
            cal = WorkingCalendar(files, fallback=fallback)
            self._calendars[code] = cal
        return cal

    def date_is_provisional(self, code: str, day) -> bool:
        """True when the locality's calendar has no official data for that day's year (fallback dates)."""
        try:
            return bool(self.calendar(code).day(day).provisional)
        except Exception:  # a year with no data and no fallback: the expression itself would have failed
            return False
