"""Benchmark: the set-up of one test that uses ``eng`` (tests/conftest.py), deployed for real vs copied.

    .venv/bin/python bench/fixture_setup.py [--n 5] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test_x]

Deployed for real is what every test did before: create the tables, deploy processes/ and forms/ with every check,
add the demo accounts (on PostgreSQL after dropping the schema). Copied is what ``eng`` does now: the snapshot made
once per run put back (SQLite: a file copy; PostgreSQL: DELETE + COPY + sequences). Reference in the same run: the
real deploy. Not a test: it prints a table (milliseconds per set-up, median of N).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.deployed_database import (DEPLOYED_AT, build_snapshot, deploy_everything,  # noqa: E402
                                             deployed_engine, reset_database)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--pg", help="a PostgreSQL database to empty and use (never a shared one)")
    args = parser.parse_args()
    from engine.clock import FakeClock

    folder = Path(tempfile.mkdtemp(prefix="bench-setup-"))
    urls = iter(f"sqlite:///{folder / f'{i}.db'}" for i in range(10 * args.n + 10))

    def for_real():
        url = args.pg or next(urls)
        if args.pg:
            reset_database(url)
        deploy_everything(url, FakeClock(DEPLOYED_AT)).runtime.db.dispose()

    snapshot = build_snapshot(args.pg, folder)

    def copied():
        deployed_engine(snapshot, args.pg or next(urls), FakeClock(DEPLOYED_AT)).runtime.db.dispose()

    times = {}
    for name, fn in (("deployed for real", for_real), ("copied from the snapshot", copied)):
        fn()                                   # warm: imports, parsed-definition caches
        runs = []
        for _ in range(args.n):
            t = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t)
        times[name] = statistics.median(runs)
    reference = times["deployed for real"]
    print(f"{'set-up of one test':28} {'ms':>8} {'ratio':>7}   ({'PostgreSQL' if args.pg else 'SQLite'}, n={args.n})")
    for name, seconds in times.items():
        print(f"{name:28} {seconds * 1000:8.1f} {seconds / reference:7.3f}")


if __name__ == "__main__":
    main()
