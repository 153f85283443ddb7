"""The locality tree (national → province → city → county) read from ``processes/<code>/settings.yaml``."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

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
