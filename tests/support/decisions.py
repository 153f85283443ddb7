"""The decision tables and settings of processes/, read as the engine reads them, for handler tests without a
database: ``decide_in(locality)`` resolves a decision along the locality's chain (a county's override first), and
``edited`` gives a policy officer's edit of one table as a temporary locality folder."""
from __future__ import annotations

import functools
import shutil
from pathlib import Path

from engine.dmn import load_decisions
from engine.localities import chain, merged_settings, read_locality_folders

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
NATIONAL = PROCESSES / "000000"


@functools.lru_cache(maxsize=None)
def national_decision(decision_id: str):
    path = NATIONAL / f"{decision_id}.dmn"
    if not path.exists():
        raise LookupError(f"no national decision {decision_id}")
    return load_decisions(path.read_bytes(), path.name)[0]


def decide_national(decision_id: str, inputs: dict) -> dict:
    return national_decision(decision_id).evaluate(inputs).outputs


def statutory_month(category: str, birth_month: str) -> str:
    """The national statutory_retirement_age table's retirement month (the demo roster's ``retirement_month``)."""
    return decide_national("statutory_retirement_age", {"category": category,
                                                        "birth_month": birth_month})["retirement_month"]


@functools.lru_cache(maxsize=None)
def _tables(processes_dir: Path) -> dict[str, dict]:
    """{locality code: {decision id: Decision}} of every DMN file in the folders."""
    out: dict[str, dict] = {}
    for path in sorted(processes_dir.glob("*/*.dmn")):
        out.setdefault(path.parent.name, {}).update({d.id: d for d in load_decisions(path.read_bytes(), path.name)})
    return out


@functools.lru_cache(maxsize=None)
def _localities(processes_dir: Path):
    return read_locality_folders(processes_dir)


def decide_in(locality: str, processes_dir: Path = PROCESSES):
    """A ``ctx.decide`` for ``locality``: the nearest table on its chain, as the engine resolves a deployment."""
    localities = _localities(Path(processes_dir))
    tables = _tables(Path(processes_dir))

    def decide(decision_id: str, inputs: dict) -> dict:
        for code in chain(localities, locality):
            found = tables.get(code, {}).get(decision_id)
            if found is not None:
                return found.evaluate(inputs).outputs
        raise LookupError(f"no decision {decision_id} in force for {locality}")
    return decide


def settings_of(locality: str, processes_dir: Path = PROCESSES) -> dict:
    """The locality's settings merged along its chain, as Engine.settings gives them to a handler."""
    return merged_settings(_localities(Path(processes_dir)), locality)


def edited(tmp_path: Path, file: str, old: str, new: str, *, into: str | None = None) -> Path:
    """A copy of processes/ in which ``file`` (e.g. "000000/pension_divisor.dmn") has its first ``old`` replaced by
    ``new``: a policy officer's edit of the data, nothing else changed. ``into`` (a locality code) leaves ``file``
    as shipped and puts the edited copy in that locality's folder instead: the locality's override."""
    target = tmp_path / "processes"
    shutil.copytree(PROCESSES, target)
    path = target / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file} does not contain {old!r}"
    (target / into / path.name if into else path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return target
