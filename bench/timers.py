"""Timers at volume: N timers due at one instant drained by W worker processes, then a steady trickle.

    PYTHONPATH=. .venv/bin/python bench/timers.py [--n 10000] [--workers 2] [--threads 4] [--pg URL]

One real case of a probe process (start → a timer at the case's variable `due` → end; clones share task ids, so
the timer ends the case rather than opening a task) is started, then cloned N times
with INSERT … SELECT (its instance row and its timer job), every timer due at the same instant a few seconds
ahead. W worker processes (api.worker.Poller, each with T threads, as `retire worker` runs them) drain them on the
real clock. Printed: the drain rate (timers per second from the due instant to the last one fired), the p50/p99
lateness (fired − due), and in the steady phase (cases started one by one, their timers due spread over S
seconds) the p99 lag. Everything lives in
a throw-away schema of the database. Not a test: it prints numbers (the goal: ≥ 500/s with two workers, steady
p99 < 2 s).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from common import DEFAULT_PG, Schema, clone_sql, pct  # noqa: E402 - sets sys.path
from engine.definitions import DefinitionFile
from engine.store.models import Instance, Job

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_bench_timer" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="bench_timer" name="压测：等待后受理" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Wait" />
    <bpmn:intermediateCatchEvent id="Wait" name="等到约定时间">
      <bpmn:timerEventDefinition><bpmn:timeDate>due</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def worker(url: str, schema: str, index: int, threads: int, stop_at: float, poll: float) -> None:
    from api.worker import Poller
    from common import Schema as _S

    s = _S.__new__(_S)
    s.url, s.name = url, schema
    eng = s.engine(worker_id=f"bench-worker-{index}", pool_size=threads + 2)
    poller = Poller(eng, threads=threads)
    poller.beat()
    while time.time() < stop_at:
        started = time.monotonic()
        poller.tick()
        time.sleep(max(0.0, poll - (time.monotonic() - started)))
    eng.runtime.db.dispose()


def clone_timers(eng, template_id: str, n: int, due: datetime) -> None:
    inst_cols, inst_sel = clone_sql(Instance.__table__, "t", {
        "id": "src.id", "business_key": "t.business_key || '-' || src.g", "person_key": "NULL"})
    job_cols, job_sel = clone_sql(Job.__table__, "j", {"instance_id": "ins.id", "due_at": ":due"})
    with eng.runtime.db.begin() as conn:
        conn.execute(sa.text(f"""
            WITH src AS (SELECT g, gen_random_uuid()::text AS id FROM generate_series(1, :n) g),
                 ins AS (INSERT INTO instances ({inst_cols}) SELECT {inst_sel} FROM src, instances t
                         WHERE t.id = :tid RETURNING id)
            INSERT INTO jobs ({job_cols}) SELECT {job_sel} FROM ins, jobs j
            WHERE j.instance_id = :tid AND j.kind = 'timer'"""), {"n": n, "tid": template_id, "due": due})
        conn.execute(sa.text("ANALYZE jobs"))
        conn.execute(sa.text("ANALYZE instances"))


def lateness(eng, since: datetime, until: datetime | None = None) -> list[tuple[float, datetime]]:
    with eng.runtime.db.connect() as conn:
        rows = conn.execute(sa.text("SELECT due_at, completed_at FROM jobs WHERE kind = 'timer' AND status = 'done' "
                                    "AND due_at >= :since AND due_at < :until"),
                            {"since": since, "until": until or datetime(9999, 1, 1, tzinfo=timezone.utc)}).all()
    return [((c - d).total_seconds(), c) for d, c in rows if c is not None]


def pending(eng) -> int:
    with eng.runtime.db.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM jobs WHERE kind = 'timer' AND status <> 'done'")).scalar()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--poll", type=float, default=0.5)
    ap.add_argument("--steady", type=int, default=600, help="timers of the steady phase")
    ap.add_argument("--steady-seconds", type=float, default=30.0)
    ap.add_argument("--pg", default=DEFAULT_PG)
    args = ap.parse_args(argv)

    schema = Schema(args.pg, "bench_timers")
    try:
        eng = schema.engine(create=True)
        eng.deploy("000000", [DefinitionFile("bench_timer.bpmn", PROBE)], "bench", "bench")
        ctx = mp.get_context("spawn")
        deadline = time.time() + 1800  # the workers stop by then at the latest; normally they are ended below
        procs = [ctx.Process(target=worker, args=(args.pg, schema.name, i, args.threads, deadline, args.poll))
                 for i in range(args.workers)]
        for p in procs:
            p.start()
        while True:  # the workers are up (their first round beats the heartbeat) before the timers are made
            with eng.runtime.db.connect() as conn:
                if conn.execute(sa.text("SELECT count(*) FROM worker_heartbeats")).scalar() >= args.workers:
                    break
            time.sleep(0.5)
        lead = 3.0 + args.n / 20_000
        due = datetime.now(timezone.utc) + timedelta(seconds=lead)
        template = eng.start("bench_timer", "340722", "BENCH-T", {"due": due.isoformat()}, "bench")
        t = time.perf_counter()
        clone_timers(eng, template, args.n, due)
        print(f"cloned {args.n} cases waiting on a timer in {time.perf_counter() - t:.1f}s; all due at {due:%H:%M:%S}")
        while pending(eng) and time.time() < deadline:
            time.sleep(0.5)
        burst = lateness(eng, due - timedelta(seconds=1), due + timedelta(seconds=1))
        fired_last = max(c for _l, c in burst)
        rate = len(burst) / max((fired_last - due).total_seconds(), 1e-6)
        late = [x for x, _c in burst]
        print(f"burst: {len(burst)} timers with {args.workers} worker(s) × {args.threads} thread(s): "
              f"{rate:.0f} timers/s (goal ≥ 500); lateness p50 {pct(late, 50):.1f}s p99 {pct(late, 99):.1f}s "
              f"max {max(late):.1f}s")

        # steady state: cases started one by one, their timers due one after another over S seconds
        t = time.perf_counter()
        probe_start = datetime.now(timezone.utc)
        eng.start("bench_timer", "340722", "BENCH-S-probe", {"due": (probe_start + timedelta(hours=1)).isoformat()},
                  "bench")
        per_start = max(0.02, time.perf_counter() - t)
        start = datetime.now(timezone.utc) + timedelta(seconds=3 + per_start * args.steady * 1.5)
        step = args.steady_seconds / max(args.steady, 1)
        for i in range(args.steady):
            eng.start("bench_timer", "340722", f"BENCH-S-{i}",
                      {"due": (start + timedelta(seconds=i * step)).isoformat()}, "bench")
        while datetime.now(timezone.utc) < start + timedelta(seconds=args.steady_seconds + 1) or (
                pending(eng) > 1 and time.time() < deadline):
            time.sleep(0.5)
        steady = [x for x, _c in lateness(eng, start - timedelta(seconds=0.5), start + timedelta(seconds=args.steady_seconds + 1))]
        print(f"steady: {len(steady)} timers over {args.steady_seconds:.0f}s ({args.steady / args.steady_seconds:.0f}/s): "
              f"lag p50 {pct(steady, 50):.2f}s p99 {pct(steady, 99):.2f}s (goal p99 < 2 s)")
        for p in procs:
            p.terminate()
            p.join()
        eng.runtime.db.dispose()
    finally:
        schema.close()


if __name__ == "__main__":
    main()
