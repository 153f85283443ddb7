"""Deploy speed: ``deploy_folders`` of processes/ and forms/ into a fresh database, several times in one process.

    .venv/bin/python bench/deploy.py [--rounds 3] [--against main~1] [--url postgresql+psycopg://...]

Each round syncs into a new empty database (SQLite file, or a fresh PostgreSQL schema with ``--url``), as every
test's set-up does; the first round reads every file, a later one finds the parsed definitions memoised by
content hash. Printed per round: wall and CPU seconds, XML parses (lxml ``fromstring`` / ``parse`` calls,
counted) and the ratio to the reference measured in the same run: with ``--against REF``, the same rounds run
by the code of git revision REF (extracted to a temporary folder); always, reading every BPMN / DMN file of
the folders once with lxml. Not a test: it prints numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent          # the processes/ and forms/ folders deployed
CODE = Path(os.environ.get("BENCH_DEPLOY_CODE") or ROOT)  # the engine code measured
sys.path.insert(0, str(CODE))

from lxml import etree  # noqa: E402

_COUNT = {"xml": 0}
_fromstring, _parse = etree.fromstring, etree.parse


def _counted(fn):
    def wrapper(*args, **kwargs):
        _COUNT["xml"] += 1
        return fn(*args, **kwargs)
    return wrapper


def reference_seconds() -> tuple[float, int]:
    """Reading every BPMN / DMN file of processes/ once with lxml (best of 5): the least a deploy must do."""
    contents = [p.read_bytes() for p in sorted((ROOT / "processes").rglob("*")) if p.suffix in (".bpmn", ".dmn")]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for c in contents:
            _fromstring(c)
        best = min(best, time.perf_counter() - start)
    return best, len(contents)


class _Database:
    """A fresh SQLite file, or a fresh schema of the PostgreSQL database at ``url`` (dropped by close())."""

    def __init__(self, url: str | None, tmp: Path, n: int):
        import uuid

        import sqlalchemy as sa

        self.admin = None
        if url and url.startswith("postgresql"):
            self.schema = f"bench_deploy_{uuid.uuid4().hex[:8]}"
            self.admin = sa.create_engine(url)
            with self.admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
            self.url = url
            self.db = sa.create_engine(url, connect_args={"options": f"-csearch_path={self.schema}"})
        else:
            self.url = f"sqlite:///{tmp / f'deploy_{n}.db'}"
            self.db = sa.create_engine(self.url)

    def close(self):
        import sqlalchemy as sa

        self.db.dispose()
        if self.admin is not None:
            with self.admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            self.admin.dispose()


def one_sync(url: str | None, tmp: Path, n: int) -> dict:
    from engine.bootstrap import bootstrap
    from engine.store.models import Base
    from handlers.ledger.schema import metadata as ledger_md

    database = _Database(url, tmp, n)
    try:
        Base.metadata.create_all(database.db)
        ledger_md.create_all(database.db)
        eng = bootstrap(database.url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms",
                        db_engine=database.db, worker_id="bench")
        _COUNT["xml"] = 0
        wall, cpu = time.perf_counter(), time.process_time()
        folders = getattr(eng, "deploy_folders", None) or eng.sync_folders   # named sync_folders before the façade
        results = folders("bench")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert any(r.deployed for r in results), "nothing was deployed"
        return {"wall": wall, "cpu": cpu, "xml": _COUNT["xml"]}
    finally:
        database.close()


def rounds_here(rounds: int, url: str | None) -> list[dict]:
    etree.fromstring, etree.parse = _counted(_fromstring), _counted(_parse)
    with tempfile.TemporaryDirectory() as tmp:
        return [one_sync(url, Path(tmp), n) for n in range(1, rounds + 1)]


def rounds_in_child(code: Path | None, rounds: int, url: str | None) -> list[dict]:
    env = {**os.environ, "BENCH_DEPLOY_CODE": str(code or ROOT), "PYTHONPATH": str(code or ROOT)}
    args = [sys.executable, str(Path(__file__).resolve()), "--child", "--rounds", str(rounds)]
    if url:
        args += ["--url", url]
    out = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def extract(ref: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "engine", "handlers"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--against", help="a git revision whose code is measured the same way, for the ratio")
    ap.add_argument("--url", help="a PostgreSQL database (a schema per round); default SQLite files")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(rounds_here(args.rounds, args.url)))
        return
    ref, n_files = reference_seconds()
    print(f"reference: lxml reads the {n_files} BPMN/DMN files once: {ref * 1000:.1f} ms")
    now = rounds_in_child(None, args.rounds, args.url)
    before = None
    if args.against:
        with tempfile.TemporaryDirectory() as tmp:
            before = rounds_in_child(extract(args.against, Path(tmp)), args.rounds, args.url)
    head = f"{'sync':>4s} {'wall s':>7s} {'cpu s':>6s} {'xml parses':>10s} {'× lxml once':>11s}"
    if before:
        head += f"  | {args.against}: {'wall s':>6s} {'cpu s':>6s} {'xml':>4s}  {'cpu now/then':>12s}"
    print(head)
    for n, row in enumerate(now, 1):
        line = f"{n:>4d} {row['wall']:7.3f} {row['cpu']:6.3f} {row['xml']:10d} {row['wall'] / ref:11.0f}"
        if before:
            b = before[n - 1]
            line += (f"  | {' ' * len(args.against)}  {b['wall']:6.3f} {b['cpu']:6.3f} {b['xml']:4d}  "
                     f"{row['cpu'] / b['cpu']:12.2f}")
        print(line)


if __name__ == "__main__":
    main()
