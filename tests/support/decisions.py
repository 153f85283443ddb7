"""The national decision tables of processes/000000, evaluated as the engine evaluates them."""
from __future__ import annotations

import functools
from pathlib import Path

from engine.dmn import load_decisions

NATIONAL = Path(__file__).resolve().parents[2] / "processes" / "000000"


@functools.lru_cache(maxsize=None)
def national_decision(decision_id: str):
    path = NATIONAL / f"{decision_id}.dmn"
    if not path.exists():
        raise LookupError(f"no national decision {decision_id}")
    return load_decisions(path.read_bytes(), path.name)[0]


def decide_national(decision_id: str, inputs: dict) -> dict:
    return national_decision(decision_id).evaluate(inputs).outputs
