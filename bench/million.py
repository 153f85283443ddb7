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
from engine.store.migrate import alembic_config

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
        conn.execute(sa.text(  # the clerks' inbox, as the mirror writes it with each task
            'INSERT INTO inbox (task_id, "group", instance_id, locality_path, due_at, created_at) '
            'SELECT h.id, g."group", h.instance_id, h.locality_path, h.due_at, h.created_at '
            "FROM src JOIN human_tasks h ON h.id = src.tid JOIN human_task_groups g ON g.task_id = h.id"))
        conn.execute(sa.text(f"INSERT INTO history ({hist_cols}) SELECT {hist_sel} FROM src, history e "
                             "WHERE e.instance_id = :tid"), {"tid": template})
        # one in a hundred cases has a failed service call (an incident) in its county
        conn.execute(sa.text(
            "INSERT INTO jobs (instance_id, task_id, kind, topic, activity_id, activity_name, locality, locality_path, "
            "due_at, status, attempts, max_attempts, last_error, payload, created_at, updated_at) "
            f"SELECT src.iid, src.tid, 'service', 'hrss.check', 'Task_check', '核验', {county}, "
            f"'{CITY}' || {county} || '/', :now, 'incident', 3, 3, 'TimeoutError', '{{}}', :now, "
            ":now - (src.g % 5000) * interval '1 minute' FROM src WHERE src.g % 100 = 0"), {"now": now})


def settle(eng) -> None:
    """VACUUM ANALYZE the filled tables, as autovacuum leaves a table that stopped growing (once per measure, not
    per chunk: vacuuming a growing million after every chunk costs more than the filling)."""
    with eng.runtime.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("instances", "human_tasks", "human_task_groups", "inbox", "history", "jobs"):
            conn.execute(sa.text(f"VACUUM ANALYZE {table}"))


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
    settle(eng)
    rnd = random.Random(n)
    zy = CITY + "340722/%"
    clerk_groups = ["hrss", "social_insurance"]
    old_order = [HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at, HumanTask.id]
    out = []
    with eng.runtime.reading() as s:
        def tasks(groups, **kw):  # as GET /api/tasks calls it for a county clerk
            return queries.task_page(s, zy, groups=groups, leaf="340722", size=50, **kw)

        def page(q, order):
            return queries.seek_page(s, q, order, size=50)

        out.append(("reference: SELECT 1 (a round trip)", timed(lambda: s.execute(sa.text("SELECT 1")).scalar(), reps)))
        out.append(("clerk first page (2 groups, county)", timed(lambda: tasks(clerk_groups), reps)))
        out.append(("  filtered by one group", timed(lambda: tasks([rnd.choice(clerk_groups)]), reps)))
        out.append(("  filtered by due date (next 7 days)", timed(
            lambda: tasks(clerk_groups, due_before=now + timedelta(days=7)), reps)))
        first = tasks(clerk_groups)
        out.append(("  second page by cursor", timed(lambda: tasks(clerk_groups, after=first["next"]), reps)))

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

        # the references: the same lists in their earlier shapes, measured in this run
        def tasks_by_group_check(groups, **kw):  # main before the inbox: human_tasks, a group probe per task
            return page(queries.task_query(zy, groups=groups, leaf="340722", **kw), queries.TASK_ORDER)
        out.append(("before inbox: clerk first page", timed(lambda: tasks_by_group_check(clerk_groups), max(20, reps // 4))))
        out.append(("before inbox: by one group", timed(
            lambda: tasks_by_group_check([rnd.choice(clerk_groups)]), max(20, reps // 4))))
        out.append(("before inbox: by due date", timed(
            lambda: tasks_by_group_check(clerk_groups, due_before=now + timedelta(days=7)), max(20, reps // 4))))

        def legacy_clerk():
            q = sa.select(HumanTask).where(HumanTask.locality_path.like(zy), HumanTask.status == "open",
                                           HumanTask.id.in_(sa.select(HumanTaskGroup.task_id)
                                                            .where(HumanTaskGroup.group.in_(clerk_groups))))
            return legacy_page(s, q, old_order)
        out.append(("before keyset: clerk first page (OFFSET+count)", timed(legacy_clerk, max(10, reps // 20))))
    return out


def explain(eng, now: datetime) -> None:
    """The plans of the statements the clerk's first page and the ID number lookup send (caught as they are sent,
    then explained with their parameters): buffers read do not depend on the machine's load."""
    sent = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    zy = CITY + "340722/%"
    sa.event.listen(eng.runtime.db, "before_cursor_execute", catch)
    try:
        with eng.runtime.reading() as s:
            queries.task_page(s, zy, groups=["hrss", "social_insurance"], leaf="340722", size=50)
            s.scalar(sa.select(Instance.business_key).where(Instance.locality == "340712",
                                                            Instance.person_key == f"3407{11:014d}"))
    finally:
        sa.event.remove(eng.runtime.db, "before_cursor_execute", catch)
    with eng.runtime.db.connect() as conn:
        for name, (statement, parameters) in zip(("clerk's first page (page and bounded count, one statement)",
                                                  "ID number"), sent[-2:]):
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters).scalars().all()
            print(f"-- {name}:\n   " + "\n   ".join(plan))


def migrate_kept(schema) -> None:
    """A schema filled by an earlier version (no inbox yet): stamp it at 0008 and upgrade it to 0009_inbox through
    Alembic, timed, as a deploy would."""
    from alembic import command

    db = schema.db()
    with db.begin() as conn:
        names = set(sa.inspect(conn).get_table_names())
        if "instances" in names and "inbox" not in names:
            cfg = alembic_config(schema.url)
            cfg.attributes["connection"] = conn
            command.stamp(cfg, "0008_scale_indexes")
            t = time.perf_counter()
            command.upgrade(cfg, "0009_inbox")
            rows = conn.execute(sa.text("SELECT count(*) FROM inbox")).scalar()
            print(f"migration 0009_inbox on the kept cases: {rows:,} inbox rows in {time.perf_counter() - t:.0f}s")
    db.dispose()


class KeptSchema(Schema):
    """A named schema that outlives the run (``--schema``)."""

    def __init__(self, url: str, name: str):
        self.url, self.name = url, name
        self.admin = sa.create_engine(url)
        with self.admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{name}"'))

    def close(self):
        self.admin.dispose()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--step", type=int, default=100_000, help="measure after every this many cases")
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--pg", default=DEFAULT_PG)
    ap.add_argument("--schema", help="keep the cases in this schema (made when missing, never dropped) and reuse "
                                     "them on the next run: a million is filled once, measured by several versions")
    args = ap.parse_args(argv)

    schema = KeptSchema(args.pg, args.schema) if args.schema else Schema(args.pg, "bench_million")
    try:
        migrate_kept(schema)
        eng = schema.engine(create=True)
        with eng.runtime.reading() as s:
            kept = s.execute(sa.select(Instance.id, Instance.started_at).where(Instance.business_key == "BENCH-M")).first()
            done = (s.scalar(sa.select(sa.func.count()).select_from(Instance)) - 1) if kept else 0
        if kept:
            template, now = kept
            print(f"reusing {done:,} cases in schema {schema.name}")
        else:
            eng.deploy("000000", [DefinitionFile("bench_inbox.bpmn", PROBE)], "bench", "bench")
            template = eng.start("bench_inbox", "340722", "BENCH-M", {}, "bench")
            now = eng.runtime.now()
        chunk = 100_000
        if done >= args.n:
            print(f"\n== {done:,} running cases ==")
            for name, ms in measure(eng, done, args.reps, now):
                print(f"{name:<44} p50 {pct(ms, 50):8.1f} ms   p95 {pct(ms, 95):8.1f} ms   (n={len(ms)})", flush=True)
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
