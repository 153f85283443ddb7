"""Paired A/B benchmark: this checkout against another one, retirement by retirement, in one run.

    .venv/bin/python bench/compare.py --base /tmp/base-checkout --n 100 [--pg postgresql+psycopg://…/test_perf]

On a shared machine the load moves by ±15 % between two runs of bench/run.py, more than most single
optimisations change. Here two child processes, one per checkout (--base: any export of the code,
e.g. ``git archive <commit> | tar -x -C /tmp/base-checkout``), each build mode (b) of bench/run.py
(the engine on a fresh SQLite file, or on its own PostgreSQL schema) with that checkout's own engine,
then run the same persons alternately — A then B, B then A — so both see the same load. It prints each
side's median wall and CPU time per retirement and the ratio this / base, overall and as the median of
the per-retirement ratios. The base checkout needs a bench/run.py with the same helpers (any version
since the bench was written has them).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def child(root: str, kind: str, pg: str | None, n: int, warmup: int, seed: int, today: str) -> None:
    """Set up mode (b) of ``root``'s bench and run retirement i for every 'i' read on stdin."""
    sys.path.insert(0, str(Path(root) / "bench"))
    sys.path.insert(0, root)
    import logging

    import run as bench  # the checkout's own bench/run.py, hence its own engine

    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("retire").setLevel(logging.ERROR)
    day = date.fromisoformat(today)
    t0 = datetime.combine(day, datetime.min.time()).replace(hour=9)
    roster, chosen = bench.pick_persons(n + warmup, day, seed)
    db = bench.Database(kind, pg) if kind == "postgres" else bench.Database("sqlite")
    try:
        clock = bench.FakeClock(t0)
        runner = bench.EngineRunner(db.engine(clock, roster), clock)
        for p in chosen[:warmup]:
            runner.run(p, t0)
        persons = chosen[warmup:]
        print("ready", flush=True)
        for line in sys.stdin:
            i = int(line)
            cpu = time.process_time()
            wall = runner.run(persons[i], t0)
            print(json.dumps([wall, time.process_time() - cpu]), flush=True)
    finally:
        db.close()


class Side:
    def __init__(self, label: str, root: Path, args):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(root), "--kind", args.kind,
               "--n", str(args.n), "--warmup", str(args.warmup), "--seed", str(args.seed), "--today", args.today]
        if args.pg:
            cmd += ["--pg", args.pg]
        self.label, self.wall, self.cpu = label, [], []
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root)
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"{label}: the child did not start")

    def run(self, i: int) -> None:
        self.proc.stdin.write(f"{i}\n")
        self.proc.stdin.flush()
        wall, cpu = json.loads(self.proc.stdout.readline())
        self.wall.append(wall)
        self.cpu.append(cpu)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=120)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", help="the other checkout (the reference)")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--pg", default=None, help="PostgreSQL URL: run on PostgreSQL (a fresh schema per side)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--today", default="2026-01-05")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--kind", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.kind = args.kind or ("postgres" if args.pg else "sqlite")
    if args.child:
        return child(args.child, args.kind, args.pg, args.n, args.warmup, args.seed, args.today)
    if not args.base:
        ap.error("--base is required")
    base, this = Side("base", Path(args.base).resolve(), args), Side("this", HERE, args)
    try:
        for i in range(args.n):
            for side in ((base, this) if i % 2 == 0 else (this, base)):
                side.run(i)
    finally:
        base.close()
        this.close()
    print(f"\n(b) engine + {'PostgreSQL' if args.kind == 'postgres' else 'SQLite'}, n={args.n} alternating "
          f"retirements after {args.warmup} warm-up each; base = {args.base}")
    head = f"{'side':<6} {'median ms':>10} {'mean ms':>9} {'cpu median ms':>14}"
    print(head)
    print("-" * len(head))
    for side in (base, this):
        print(f"{side.label:<6} {statistics.median(side.wall) * 1000:>10.2f} {statistics.fmean(side.wall) * 1000:>9.2f} "
              f"{statistics.median(side.cpu) * 1000:>14.2f}")
    wall_ratio = statistics.median(this.wall) / statistics.median(base.wall)
    paired = statistics.median(t / b for t, b in zip(this.wall, base.wall))
    cpu_paired = statistics.median(t / b for t, b in zip(this.cpu, base.cpu))
    print(f"\nthis / base: median {wall_ratio:.3f}, per-retirement median {paired:.3f} (wall), {cpu_paired:.3f} (cpu)")


if __name__ == "__main__":
    main()
