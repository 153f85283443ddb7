"""Deploy speed: ``sync_folders`` of processes/ and forms/ into a fresh SQLite database, twice in one process.

    .venv/bin/python bench/deploy.py [--rounds 3]

The first sync parses every file; a later sync into another fresh database (what every test's set-up does)
finds the parsed definitions memoised by content hash. Printed: seconds per sync, XML parses per sync
(lxml fromstring / parse calls, counted), and the ratio to the reference measured in the same run: reading
every file of the folders once with lxml. Not a test: it prints numbers.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

_COUNTS = {"xml": 0}
_fromstring, _parse = etree.fromstring, etree.parse


def _counted(fn):
    def wrapper(*args, **kwargs):
        _COUNTS["xml"] += 1
        return fn(*args, **kwargs)
    return wrapper


def reference_seconds() -> tuple[float, int]:
    """Reading every BPMN / DMN file of processes/ once with lxml: the least a deploy must do."""
    files = [p for p in sorted((ROOT / "processes").rglob("*")) if p.suffix in (".bpmn", ".dmn")]
    contents = [p.read_bytes() for p in files]
    start = time.perf_counter()
    for c in contents:
        _fromstring(c)
    return time.perf_counter() - start, len(files)


def one_sync(tmp: Path, n: int) -> tuple[float, int]:
    import sqlalchemy as sa

    from engine.bootstrap import bootstrap
    from engine.store.models import Base
    from handlers.ledger.schema import metadata as ledger_md

    url = f"sqlite:///{tmp / f'deploy_{n}.db'}"
    db = sa.create_engine(url)
    Base.metadata.create_all(db)
    ledger_md.create_all(db)
    db.dispose()
    eng = bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", worker_id="bench")
    _COUNTS["xml"] = 0
    start = time.perf_counter()
    results = eng.sync_folders("bench")
    seconds = time.perf_counter() - start
    assert any(r.deployed for r in results), "nothing was deployed"
    eng.db.dispose()
    return seconds, _COUNTS["xml"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    rounds = ap.parse_args().rounds
    etree.fromstring, etree.parse = _counted(_fromstring), _counted(_parse)
    ref, n_files = reference_seconds()
    print(f"reference: lxml reads the {n_files} BPMN/DMN files once: {ref * 1000:.1f} ms")
    print(f"{'sync':>6s} {'seconds':>8s} {'xml parses':>10s} {'× reference':>12s}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(1, rounds + 1):
            seconds, parses = one_sync(Path(tmp), n)
            print(f"{n:>6d} {seconds:8.3f} {parses:10d} {seconds / ref:12.0f}")


if __name__ == "__main__":
    main()
