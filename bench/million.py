"""A province's million running cases on PostgreSQL: how fast are the lists and lookups a clerk uses?

    PYTHONPATH=. .venv/bin/python bench/million.py [--n 1000000] [--step 100000] [--reps 200] [--pg URL]

One real case of a probe process (start → a clerk's task) is started through the engine; its rows (instance with
its serialized workflow, task, candidate group, history) are cloned with INSERT … SELECT over generate_series into
N running cases spread over 30 counties of one city, twelve departments, due dates from a month ago to two months
ahead (one in ten undated), unique business keys and ID numbers, and one in a hundred with an incident. After every
``step`` rows it measures p50/p95 (ms, through engine/queries.py as the API calls it) of:

  clerk's first page (county clerk, their two groups)   · the same filtered by one group · by due date
  lookup by business key · lookup by ID number (the running case of a person) · incidents list (province admin)
  newest running cases (county) · and, as the reference measured in the same run, the list shapes before keyset
  paging (OFFSET page 1 with a full count, undated-last as an expression, groups as IN (subquery)).

Everything lives in a throw-away schema of the database, dropped at the end. Not a test: it prints a table.
Goals (issue 10): first page and group/due filters p95 < 50 ms, lookups p95 < 10 ms at 1,000,000.
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from common import DEFAULT_PG, Schema, clone_sql, pct  # noqa: E402 - sets sys.path
from engine import queries
from engine.definitions import DefinitionFile
from engine.store.models import HistoryEvent, HumanTask, HumanTaskGroup, Instance, Job

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_bench_inbox" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="bench_inbox" name="压测：受理" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_accept" />
    <bpmn:userTask id="Task_accept" name="受理" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_accept" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""
GROUPS = ("hrss", "social_insurance", "medical_insurance", "housing_fund", "public_security", "health",
          "data_bureau", "employer", "archive_agency", "community", "township", "bank_window")
COUNTIES = 30   # 340701 … 340730; 340722 (Zongyang) is one of them
CITY = "/000000/340000/340700/"


def fill(eng, template: str, first: int, last: int, now: datetime) -> None:
    """Cases first … last (inclusive), cloned from the template case's rows."""
    county = f"(340700 + 1 + (src.g % {COUNTIES}))::text"
    inst_cols, inst_sel = clone_sql(Instance.__table__, "t", {
        "id": "src.iid", "locality": county, "locality_path": f"'{CITY}' || {county} || '/'",
        "business_key": f"{county} || '-2026-' || lpad(src.g::text, 8, '0')",
        "person_key": f"'3407' || lpad(src.g::text, 14, '0')",
        "started_at": ":now - (src.g % 7200) * interval '1 minute'"})
    task_cols, task_sel = clone_sql(HumanTask.__table__, "h", {
        "id": "src.tid", "instance_id": "src.iid", "locality": county,
        "locality_path": f"'{CITY}' || {county} || '/'",
        "business_key": f"{county} || '-2026-' || lpad(src.g::text, 8, '0')",
        "candidate_groups": f"json_build_array((ARRAY{list(GROUPS)})[1 + (src.g / {COUNTIES}) % {len(GROUPS)}])",
        "due_at": "CASE WHEN src.g % 10 = 0 THEN NULL ELSE :now + ((src.g::bigint * 7919) % 129600 - 43200) * interval '1 minute' END",
        "created_at": ":now - (src.g % 7200) * interval '1 minute'"})
    hist_cols, hist_sel = clone_sql(HistoryEvent.__table__, "e", {"instance_id": "src.iid"})
    job_cols, job_sel = clone_sql(Job.__table__, "j", {})
    with eng.runtime.db.begin() as conn:
        conn.execute(sa.text("CREATE TEMP TABLE src ON COMMIT DROP AS SELECT g, gen_random_uuid()::text AS iid, "
                             "gen_random_uuid()::text AS tid FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) g"), {"a": first, "b": last})
        conn.execute(sa.text(f"INSERT INTO instances ({inst_cols}) SELECT {inst_sel} FROM src, instances t "
                             "WHERE t.id = :tid"), {"tid": template, "now": now})
        conn.execute(sa.text(f"INSERT INTO human_tasks ({task_cols}) SELECT {task_sel} FROM src, human_tasks h "
                             "WHERE h.instance_id = :tid"), {"tid": template, "now": now})
        conn.execute(sa.text(f"INSERT INTO human_task_groups (task_id, \"group\") SELECT src.tid, "
                             f"(ARRAY{list(GROUPS)})[1 + (src.g / {COUNTIES}) % {len(GROUPS)}] FROM src"))
        conn.execute(sa.text(f"INSERT INTO history ({hist_cols}) SELECT {hist_sel} FROM src, history e "
                             "WHERE e.instance_id = :tid"), {"tid": template})
        # one in a hundred cases has a failed service call (an incident) in its county
        conn.execute(sa.text(
            "INSERT INTO jobs (instance_id, task_id, kind, topic, activity_id, activity_name, locality, locality_path, "
            "due_at, status, attempts, max_attempts, last_error, payload, created_at, updated_at) "
            f"SELECT src.iid, src.tid, 'service', 'hrss.check', 'Task_check', '核验', {county}, "
            f"'{CITY}' || {county} || '/', :now, 'incident', 3, 3, 'TimeoutError', '{{}}', :now, "
            ":now - (src.g % 5000) * interval '1 minute' FROM src WHERE src.g % 100 = 0"), {"now": now})
    with eng.runtime.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("instances", "human_tasks", "human_task_groups", "history", "jobs"):
            conn.execute(sa.text(f"VACUUM ANALYZE {table}"))  # as autovacuum leaves a table that stopped growing


def timed(fn, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def legacy_page(session, q, order, size=50):
    """The list as it was before: OFFSET page 1 and a full count."""
    total = session.scalar(sa.select(sa.func.count()).select_from(q.order_by(None).subquery()))
    return session.scalars(q.order_by(*order).limit(size)).all(), total


def measure(eng, n: int, reps: int, now: datetime) -> list[tuple[str, list[float]]]:
    rnd = random.Random(n)
    zy = CITY + "340722/%"
    clerk_groups = ["hrss", "social_insurance"]
    old_order = [HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at, HumanTask.id]
    out = []
    with eng.runtime.reading() as s:
        def page(q, order):
            return queries.seek_page(s, q, order, size=50)

        out.append(("clerk first page (2 groups, county)", timed(
            lambda: page(queries.task_query(zy, groups=clerk_groups, leaf="340722"), queries.TASK_ORDER), reps)))
        out.append(("  filtered by one group", timed(
            lambda: page(queries.task_query(zy, groups=[rnd.choice(clerk_groups)], leaf="340722"), queries.TASK_ORDER), reps)))
        out.append(("  filtered by due date (next 7 days)", timed(
            lambda: page(queries.task_query(zy, groups=clerk_groups, due_before=now + timedelta(days=7), leaf="340722"),
                         queries.TASK_ORDER), reps)))
        first = page(queries.task_query(zy, groups=clerk_groups, leaf="340722"), queries.TASK_ORDER)
        out.append(("  second page by cursor", timed(
            lambda: queries.seek_page(s, queries.task_query(zy, groups=clerk_groups, leaf="340722"), queries.TASK_ORDER, size=50,
                                      after=first["next"]), reps)))

        def by_key():
            g = rnd.randrange(1, n + 1)
            county = str(340700 + 1 + g % COUNTIES)
            return page(queries.instance_query(CITY + "%", business_key=f"{county}-2026-{g:08d}"),
                        queries.INSTANCE_ORDER)
        out.append(("lookup by business key", timed(by_key, reps)))

        def by_id_number():
            g = rnd.randrange(1, n + 1)
            return s.scalar(sa.select(Instance.business_key).where(
                Instance.locality == str(340700 + 1 + g % COUNTIES), Instance.person_key == f"3407{g:014d}"))
        out.append(("lookup by ID number", timed(by_id_number, reps)))
        out.append(("incidents list (province admin)", timed(
            lambda: page(queries.incidents(s, "/000000/340000/%"), queries.INCIDENT_ORDER), reps)))
        out.append(("newest running cases (county)", timed(
            lambda: page(queries.instance_query(zy, status="running", leaf="340722"), queries.INSTANCE_ORDER), max(20, reps // 4))))

        # the reference: the same lists in their earlier shape
        def legacy_clerk():
            q = sa.select(HumanTask).where(HumanTask.locality_path.like(zy), HumanTask.status == "open",
                                           HumanTask.id.in_(sa.select(HumanTaskGroup.task_id)
                                                            .where(HumanTaskGroup.group.in_(clerk_groups))))
            return legacy_page(s, q, old_order)
        out.append(("before: clerk first page (OFFSET + count)", timed(legacy_clerk, max(10, reps // 10))))

        def legacy_group():
            q = sa.select(HumanTask).where(HumanTask.locality_path.like(zy), HumanTask.status == "open",
                                           HumanTask.id.in_(sa.select(HumanTaskGroup.task_id)
                                                            .where(HumanTaskGroup.group.in_(["hrss"]))))
            return legacy_page(s, q, old_order)
        out.append(("before: by one group", timed(legacy_group, max(10, reps // 10))))
        out.append(("before: incidents list", timed(
            lambda: legacy_page(s, queries.incidents(s, "/000000/340000/%"), [Job.updated_at.desc(), Job.id]),
            max(10, reps // 10))))
    return out


def explain(eng, now: datetime) -> None:
    """The plans of the clerk's first page and its bounded count: buffers read do not depend on the machine's load."""
    zy = CITY + "340722/%"
    q = queries.task_query(zy, groups=["hrss", "social_insurance"], leaf="340722")
    page = q.order_by(*queries.TASK_ORDER.clauses()).limit(51)
    count = sa.select(sa.func.count()).select_from(q.order_by(None).limit(queries.COUNT_CAP + 1).subquery())
    with eng.runtime.db.connect() as conn:
        for name, stmt in (("first page", page), ("bounded count", count)):
            sql = str(stmt.compile(dialect=eng.runtime.db.dialect, compile_kwargs={"literal_binds": True}))
            plan = conn.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)).scalars().all()
            print(f"-- {name}:\n   " + "\n   ".join(plan))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--step", type=int, default=100_000, help="measure after every this many cases")
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--pg", default=DEFAULT_PG)
    args = ap.parse_args(argv)

    schema = Schema(args.pg, "bench_million")
    try:
        eng = schema.engine(create=True)
        eng.deploy("000000", [DefinitionFile("bench_inbox.bpmn", PROBE)], "bench", "bench")
        template = eng.start("bench_inbox", "340722", "BENCH-M", {}, "bench")
        now = eng.runtime.now()
        done, chunk = 0, 100_000
        while done < args.n:
            target = min(args.n, done + args.step)
            t = time.perf_counter()
            while done < target:
                upto = min(target, done + chunk)
                fill(eng, template, done + 1, upto, now)
                done = upto
            print(f"\n== {done:,} running cases (filled the last {args.step:,} in {time.perf_counter() - t:.0f}s) ==")
            for name, ms in measure(eng, done, args.reps, now):
                print(f"{name:<44} p50 {pct(ms, 50):8.1f} ms   p95 {pct(ms, 95):8.1f} ms   (n={len(ms)})", flush=True)
        explain(eng, now)
        eng.runtime.db.dispose()
    finally:
        schema.close()


if __name__ == "__main__":
    main()
