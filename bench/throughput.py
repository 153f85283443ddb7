"""Throughput: W worker processes on PostgreSQL completing full retirements at once, and what each costs in CPU.

    PYTHONPATH=. .venv/bin/python bench/throughput.py [--workers 2] [--n 100] [--pg URL]

Every process is a worker and a clerk at once, as bench/run.py (b) drives one retirement: it starts its cases,
runs the due jobs (run_due_jobs, any case's), completes the open tasks in-process (Engine.complete_task) and
moves its own FakeClock past the next due time. All processes share one fresh schema (dropped at the end) and
the real handlers on the ledger tables. Before the timed phase each process finishes a few warm-up cases; then
all start together. Printed: completed retirements per second (all processes, from the common start to the
last one finished) and, per process, the CPU milliseconds per retirement of the Python process and of its
PostgreSQL backends (utime + stime from /proc of the backend pids, found in pg_stat_activity by
application_name), with plain SpiffWorkflow's CPU per retirement measured in the same run as the reference.
Not a test: it prints numbers (the goal: ≥ 50 retirements/s with two processes on this 2-core machine).
"""
from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import os
import time
import uuid
from datetime import date, datetime

import sqlalchemy as sa

import run as R  # noqa: E402 - bench/run.py: the persons, the driver, plain SpiffWorkflow
from common import DEFAULT_PG, ROOT  # noqa: E402
from engine.bootstrap import bootstrap
from engine.clock import FakeClock
from engine.store.models import Base, Instance
from handlers.ledger.demo_roster import load_roster
from handlers.ledger.schema import metadata as ledger_md

TICK = os.sysconf("SC_CLK_TCK")


def _db(url: str, schema: str, app: str) -> sa.Engine:
    return sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}", "application_name": app},
                            pool_pre_ping=True, pool_size=5, max_overflow=5)


def _proc_cpu(pid: int) -> float:
    """Seconds of CPU (user + system) the process ``pid`` used so far; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15 of stat)


def backend_cpu(admin: sa.Engine, app: str) -> dict[int, float]:
    """{backend pid: CPU seconds} of the PostgreSQL backends serving connections named ``app``."""
    with admin.connect() as conn:
        pids = conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE application_name = :a"),
                            {"a": app}).scalars().all()
    return {pid: _proc_cpu(pid) for pid in pids}


class SharedRunner(R.EngineRunner):
    """bench/run.py's driver, for cases the other processes' workers also move: when this case's job is leased by
    another process, or its next task is about to be opened by one, it waits a moment instead of spinning."""

    def drive(self, instance_id: str, finished=None) -> None:
        clock = self.clock
        for _ in range(2000):
            state, ran, due = self.poll(instance_id)
            if state == "moved":
                continue
            if state == "done":
                return
            if due is None or (due <= clock.now() and not ran):  # in another process's hands right now
                time.sleep(0.003)
                continue
            clock.set(max(clock.now(), due) + R.STEP)
        raise RuntimeError(f"instance {instance_id} did not finish")


def worker(index: int, url: str, schema: str, persons: list[dict], warm: list[dict], t0: datetime,
           barrier, results) -> None:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("retire").setLevel(logging.ERROR)
    app = f"bench-throughput-{schema}-{index}"
    clock = FakeClock(t0)
    eng = bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                    db_engine=_db(url, schema, app), worker_id=f"bench-{index}")
    runner = SharedRunner(eng, clock)
    runner.counter = R.SqlCounter(eng.runtime.db)
    runner.probe = lambda *_a: None  # no state-size probes here
    for p in warm:
        runner.run(p, t0)
    admin = sa.create_engine(url)
    barrier.wait()
    backends0, cpu0, wall0 = backend_cpu(admin, app), time.process_time(), time.perf_counter()
    for p in persons:
        runner.run(p, t0)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    backends1 = backend_cpu(admin, app)
    pg_cpu = sum(v - backends0.get(pid, 0.0) for pid, v in backends1.items())
    results.put({"index": index, "n": len(persons), "wall": wall, "cpu": cpu, "pg_cpu": pg_cpu,
                 "backends": len(backends1), "finished_at": time.time()})
    admin.dispose()
    eng.runtime.db.dispose()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--n", type=int, default=100, help="retirements per process in the timed phase")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--pg", default=DEFAULT_PG)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--today", default="2026-01-05")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("retire").setLevel(logging.ERROR)

    today = date.fromisoformat(args.today)
    t0 = datetime.combine(today, datetime.min.time()).replace(hour=9)
    per = args.n + args.warmup
    roster, chosen = R.pick_persons(per * args.workers, today, args.seed)

    # the reference in the same run: plain SpiffWorkflow on the same persons, handlers' answers recorded on SQLite
    sample = chosen[:min(30, len(chosen))]
    canned: dict = {}
    ref_db = R.Database("sqlite")
    try:
        ref_clock = FakeClock(t0)
        ref_eng = ref_db.engine(ref_clock, roster, lambda h: R.recording(h, canned))
        ref_runner = R.EngineRunner(ref_eng, ref_clock)
        ref_runner.counter = R.SqlCounter(ref_eng.runtime.db)
        for p in sample:
            ref_runner.run(p, t0)
    finally:
        ref_db.close()
    plain = R.PlainRunner(canned)
    plain_clock = FakeClock(t0)
    reference = R.measure("(a) SpiffWorkflow in memory", sample[3:], sample[:3],
                          R.timed(lambda p: plain.run(p, plain_clock, t0)), False)

    schema = f"bench_thr_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.pg)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        setup = bootstrap(args.pg, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms",
                          clock=FakeClock(t0), db_engine=_db(args.pg, schema, "bench-throughput-setup"))
        Base.metadata.create_all(setup.runtime.db)
        ledger_md.create_all(setup.runtime.db)
        setup.deploy_folders("bench")
        load_roster(setup.runtime.db, roster)
        setup.runtime.db.dispose()

        ctx = mp.get_context("spawn")
        barrier, results = ctx.Barrier(args.workers + 1), ctx.Queue()
        procs = []
        for i in range(args.workers):
            mine = chosen[i * per:(i + 1) * per]
            procs.append(ctx.Process(target=worker, args=(i, args.pg, schema, mine[args.warmup:],
                                                          mine[:args.warmup], t0, barrier, results)))
        for p in procs:
            p.start()
        barrier.wait()
        began = time.time()
        out = sorted((results.get() for _ in procs), key=lambda r: r["index"])
        for p in procs:
            p.join()
        wall = max(r["finished_at"] for r in out) - began
        check = _db(args.pg, schema, "bench-throughput-check")
        with check.connect() as conn:
            done = conn.execute(sa.select(sa.func.count()).select_from(Instance).where(
                Instance.status == "completed", Instance.process_key == "retirement")).scalar()
        check.dispose()
        total = sum(r["n"] for r in out)
        if done != total + args.warmup * args.workers:
            raise SystemExit(f"{done} completed retirements, expected {total + args.warmup * args.workers}")

        ref_ms = reference.cpu_median_ms
        print(f"\nThroughput on PostgreSQL: {args.workers} process(es), each a worker and a clerk, "
              f"{args.n} retirements each after {args.warmup} warm-up (load average before: {os.getloadavg()[0]:.1f})")
        print(f"completed retirements: {total} in {wall:.1f} s = {total / wall:.1f} retirements/s (goal ≥ 50)")
        head = f"{'process':<10} {'retire/s':>9} {'cpu ms/ret':>11} {'PG cpu ms/ret':>14} {'total ms/ret':>13} {'× plain':>8}"
        print(head)
        print("-" * len(head))
        for r in out:
            py, pg = r["cpu"] / r["n"] * 1000, r["pg_cpu"] / r["n"] * 1000
            print(f"{r['index']:<10} {r['n'] / r['wall']:>9.1f} {py:>11.1f} {pg:>14.1f} {py + pg:>13.1f} "
                  f"{(py + pg) / ref_ms:>8.1f}")
        py_all = sum(r["cpu"] for r in out) / total * 1000
        pg_all = sum(r["pg_cpu"] for r in out) / total * 1000
        print(f"{'all':<10} {total / wall:>9.1f} {py_all:>11.1f} {pg_all:>14.1f} {py_all + pg_all:>13.1f} "
              f"{(py_all + pg_all) / ref_ms:>8.1f}")
        print(f"plain SpiffWorkflow in memory, same run: {ref_ms:.2f} CPU ms per retirement (median of "
              f"{len(reference.seconds)}); PG cpu: the backends of each process's connections (/proc utime+stime)")
        print(f"at 2 cores, CPU bounds throughput at {2000 / (py_all + pg_all):.1f} retirements/s")
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
