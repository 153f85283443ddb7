"""Benchmark: N full Zongyang retirements, measured three ways in one run.

    .venv/bin/python bench/run.py --n 200 [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

(a) plain SpiffWorkflow in memory: processes/340722/retirement.bpmn parsed with RetireParser, run
    with CaseScriptEngine (the real DMN through engine.dmn), user and external service tasks
    completed in-process, timers fast-forwarded; the library's own limit and the reference.
    The external tasks get canned results: what the real handlers returned for the same person in
    run (b), so (a) walks exactly the same paths.
(b) the engine with persistence: SQLite (a temporary file), and PostgreSQL when --pg is given (a
    fresh schema, dropped at the end). Jobs run with run_due_jobs(); timers fire when the FakeClock
    is moved past their due time.
(c) HTTP through the Flask test client on SQLite: the application is submitted by the channel
    account (POST /api/applications), clerks list, open and complete their tasks through
    /api/tasks with bearer tokens; jobs and timers are run by the worker's call, run_due_jobs().

Every retirement: start -> window timer -> acceptance (channel 'employer', no monthly batch) ->
approval -> pension, medical and housing-fund items -> SMS -> end; extra user tasks (birth-date check,
medical top-up) are completed when a person's records lead there. Not a test: it prints a table.

It also prints SQL statements, commits and connection begins per retirement (SQLAlchemy event listeners on
the engine's database during the timed runs): the engine's commands, the worker's polls (run_due_jobs) and
the driver's own reads; the state-size probes are left out. Baseline before the runtime rebuild (n=20):
229.6 statements and 36.8 commits on SQLite.
"""
from __future__ import annotations

import argparse
import functools
import gc
import re
import logging
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from SpiffWorkflow import TaskState  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402

from api.simulate import clerk_form_data  # noqa: E402
from engine import queries  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.bpmn.parser import RetireParser  # noqa: E402
from engine.bpmn.script_engine import CaseScriptEngine  # noqa: E402
from engine.bpmn.task_specs import ExternalServiceTask  # noqa: E402
from engine.deadlines import calendar_functions  # noqa: E402
from engine.clock import SHANGHAI, FakeClock, install_clock_hook, using  # noqa: E402
from engine.dmn import load_decisions  # noqa: E402
from engine.jsonable import jsonable  # noqa: E402
from engine.store.db import make_db_engine  # noqa: E402
from engine.store.models import Base, HumanTask, Instance, Job  # noqa: E402
from engine.runtime.mirror import timer_due, waiting_states  # noqa: E402
from handlers.ledger.demo_roster import generate_roster, load_roster  # noqa: E402
from handlers.ledger.schema import metadata as ledger_md  # noqa: E402

LOCALITY = "340722"
PROCESS = ROOT / "processes" / LOCALITY / "retirement.bpmn"
DMN_DIRS = [ROOT / "processes" / code for code in ("000000", "340000", "340700", LOCALITY)]
CHANNEL = "employer"
STEP = timedelta(minutes=1)
FORMLESS: dict[str, int] = {}        # activity id -> count of human tasks without a form (see the note printed)


# ---- persons ---------------------------------------------------------------------------------

@functools.cache
def local_decisions() -> dict:
    """{decision id: Decision} in force for LOCALITY: the nearest locality's table wins, as in the engine."""
    decisions = {}
    for folder in DMN_DIRS:
        for f in sorted(folder.glob("*.dmn")):
            for d in load_decisions(f.read_bytes(), f.name):
                decisions[d.id] = d
    return decisions


def statutory_month(category: str, birth_month: str) -> str:
    return local_decisions()["statutory_retirement_age"].evaluate(
        {"category": category, "birth_month": birth_month}).outputs["retirement_month"]


def pick_persons(n: int, today: date, seed: int) -> list[dict]:
    """n persons from a generated roster whose phone passes the application form (11 digits)."""
    roster = generate_roster(LOCALITY, int(n * 1.1) + 20, today=today, seed=seed, retirement_month=statutory_month)
    good = [p for p in roster if len(p["phone"]) == 11]
    if len(good) < n:
        raise SystemExit(f"the roster has only {len(good)} usable persons for n={n}")
    return roster, good[:n]


def start_variables(p: dict) -> dict:
    return {"name": p["name"], "id_number": p["id_number"], "phone": p["phone"], "channel": CHANNEL,
            "retirement_type": "normal", "retirement_choice": "statutory", "bank_card": p["bank_card"], "category": p["category"], "sex": p["sex"],
            "birth_month": p["birth_date_id_card"].isoformat()[:7],
            "birth_date_id_card": p["birth_date_id_card"].isoformat(), "employer_name": p["employer"] or ""}


def application_data(p: dict) -> dict:
    return {"name": p["name"], "id_number": p["id_number"], "phone": p["phone"], "category": p["category"],
            "channel": CHANNEL, "retirement_type": "normal", "employer_name": p["employer"] or "",
            "bank_card": p["bank_card"], "address": p["hukou_address"] or "", "consent": True}


def business_key(p: dict) -> str:
    return f"bench-{p['id_number']}"


# ---- (a) plain SpiffWorkflow -----------------------------------------------------------------

class PlainRunner:
    def __init__(self, canned: dict):
        install_clock_hook()
        parser = RetireParser()
        parser.add_bpmn_file(str(PROCESS))
        parser.add_bpmn_files([str(f) for f in sorted((ROOT / "processes" / "000000").glob("*.bpmn"))])  # called
        self.spec = parser.get_spec("retirement")
        self.subs = parser.get_subprocess_specs("retirement")
        decisions = local_decisions()
        plain = _PlainCalendars(decisions)  # both the localities' calendars and the decisions
        self.script_engine = CaseScriptEngine(decide=lambda ref, variables: decisions[ref].evaluate(variables).outputs,
                                              functions=calendar_functions(plain, plain, None, LOCALITY, 0))
        self.canned = canned

    def run(self, p: dict, clock: FakeClock, t0: datetime) -> dict:
        clock.set(t0)
        results = {topic: list(values) for topic, values in self.canned[business_key(p)].items()}
        with using(clock):
            wf = BpmnWorkflow(self.spec, self.subs, script_engine=self.script_engine)
            data = {**start_variables(p), "business_key": business_key(p), "locality": LOCALITY,
                    "started_at": clock.now().isoformat()}
            for t in wf.get_tasks(state=TaskState.READY):
                t.data.update(data)
            for _ in range(100):
                wf.refresh_timers()
                wf.do_engine_steps()
                wf.refresh_timers()
                human, external, timers, _messages = waiting_states(wf)
                for t in external:     # the handler's answer, as the job would apply it
                    t.data.update(results[t.task_spec.extensions["topic"]].pop(0))
                    t.complete()
                for t in human:
                    form = (t.task_spec.extensions or {}).get("formRef")
                    t.data.update(jsonable(clerk_form_data(form, t.data)))
                    t.data["completed_by"] = "bench-clerk"  # as the engine's complete_task does
                    t.run()
                if external or human:
                    continue
                if wf.is_completed():
                    return {"status": "completed"}
                if not timers:
                    raise RuntimeError(f"(a) stuck for {business_key(p)}")
                due = min(timer_due(t._get_internal_data("event_value")) for t in timers)
                clock.set(max(clock.now(), due) + STEP)
        raise RuntimeError(f"(a) did not finish for {business_key(p)}")


class _PlainCalendars:
    """What the diagram's calendar helpers need, without a database: the locality's holiday files and its
    deadline_roll decision (as the engine reads them)."""

    def __init__(self, decisions: dict):
        from engine.calendar import WorkingCalendar

        files = []
        for folder in DMN_DIRS:
            files.extend(sorted((folder / "holidays").glob("*.yaml")))
        self._calendar = WorkingCalendar(files, fallback="weekends")  # processes/000000/settings.yaml
        self._decisions = decisions

    def calendar(self, _locality):
        return self._calendar

    def decide(self, decision_id, _locality, variables, **_kw):
        if decision_id not in self._decisions:
            raise LookupError(decision_id)
        return self._decisions[decision_id].evaluate(variables).outputs


# ---- (b) the engine --------------------------------------------------------------------------

def recording(handlers: dict, canned: dict) -> dict:
    def wrap(topic, fn):
        def call(ctx):
            result = fn(ctx)
            canned.setdefault(ctx.business_key, {}).setdefault(topic, []).append(jsonable(result or {}))
            return result
        return call
    return {topic: wrap(topic, fn) for topic, fn in handlers.items()}


def next_due(eng, instance_id: str):
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(sa.func.min(Job.due_at)).where(Job.instance_id == instance_id,
                                                                  Job.status.in_(("ready", "running"))))


def state_bytes(eng, instance_id: str) -> int:
    with eng.runtime.reading() as s:
        return len((s.scalar(sa.select(Instance.state).where(Instance.id == instance_id)) or "").encode("utf-8"))


_ROWS_OF_INSTANCE = (  # every row a case keeps, by table: how its rows name the case
    ("instances", "id = :i"), ("human_tasks", "instance_id = :i"),
    ("human_task_groups", "task_id IN (SELECT id FROM human_tasks WHERE instance_id = :i)"),
    ("jobs", "instance_id = :i"), ("subscriptions", "instance_id = :i"), ("items", "instance_id = :i"),
    ("history", "instance_id = :i"))


def stored_bytes(eng, instance_id: str) -> int | None:
    """PostgreSQL: the bytes of every row the case keeps (pg_column_size of each row, TOAST-compressed as
    stored; indexes not included); None on SQLite."""
    if eng.runtime.db.dialect.name != "postgresql":
        return None
    sql = " + ".join(f"(SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM {table} t WHERE {where})"
                     for table, where in _ROWS_OF_INSTANCE)
    with eng.runtime.reading() as s:
        return int(s.scalar(sa.text(f"SELECT {sql}"), {"i": instance_id}))


class EngineRunner:
    def __init__(self, eng, clock):
        self.eng, self.clock = eng, clock
        self.sizes = {"timer": [], "task": [], "end": []}
        self.rows = {"timer": [], "task": [], "end": []}

    def complete_open_tasks(self, instance_id: str) -> int:
        eng = self.eng
        with eng.runtime.reading() as s:
            tasks = s.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                         HumanTask.status == "open")).all()
            todo = []
            for t in tasks:
                if t.form_ref is None:
                    FORMLESS[t.activity_id] = FORMLESS.get(t.activity_id, 0) + 1
                data = queries.task_data(eng.runtime, s, t) if t.form_ref == "birth_check_form" else {}
                todo.append((t.id, t.form_ref, clerk_form_data(t.form_ref, data)))
        for task_id, form_ref, data in todo:
            if form_ref == "approval_form":
                self.probe("task", instance_id)
            eng.complete_task(task_id, data, "bench-clerk")
        return len(todo)

    def size_uncounted(self, kind: str, instance_id: str) -> None:
        counting, self.counter.on = self.counter.on, False
        self.sizes[kind].append(state_bytes(self.eng, instance_id))
        rows = stored_bytes(self.eng, instance_id)
        if rows is not None:
            self.rows[kind].append(rows)
        self.counter.on = counting

    def probe(self, kind: str, instance_id: str) -> None:
        t = time.perf_counter()
        self.size_uncounted(kind, instance_id)
        self.paused += time.perf_counter() - t

    def run(self, p: dict, t0: datetime) -> float:
        eng, clock = self.eng, self.clock
        clock.set(t0)
        self.paused = 0.0
        started = time.perf_counter()
        instance_id = eng.start("retirement", LOCALITY, business_key(p), start_variables(p), "bench")
        self.drive(instance_id)
        elapsed = time.perf_counter() - started - self.paused
        self.size_uncounted("end", instance_id)
        return elapsed

    def poll(self, instance_id: str) -> tuple[str, int, datetime | None]:
        """One round of a driver: run the due jobs, then complete the case's open tasks. Returns (what happened,
        jobs run, the case's next due time): "moved" (a task was completed), "done" (the case completed) or
        "waiting" (due None: nothing left that would move it)."""
        ran = self.eng.run_due_jobs()
        if self.complete_open_tasks(instance_id):
            return "moved", ran, None
        with self.eng.runtime.reading() as s:
            status = s.scalar(sa.select(Instance.status).where(Instance.id == instance_id))
        if status != "running":
            if status != "completed":
                raise RuntimeError(f"instance {instance_id} ended {status}")
            return "done", ran, None
        return "waiting", ran, next_due(self.eng, instance_id)

    def drive(self, instance_id: str, finished=None) -> None:
        clock = self.clock
        probed_timer = False
        for _ in range(100):
            state, _ran, due = self.poll(instance_id)
            if state == "moved":
                continue
            if state == "done":
                return
            if due is None:
                raise RuntimeError(f"instance {instance_id} is stuck (no open task, no due job)")
            if not probed_timer:
                probed_timer = True
                self.probe("timer", instance_id)
            clock.set(max(clock.now(), due) + STEP)
        raise RuntimeError(f"instance {instance_id} did not finish")


# ---- (c) HTTP --------------------------------------------------------------------------------

HTTP_USERS = [  # username, role, locality, groups
    ("admin", "admin", "000000", []),
    ("wanshitong", "channel", "340000", []),
    ("zy_hrss", "clerk", LOCALITY, ["hrss", "social_insurance"]),
    ("zy_medical", "clerk", LOCALITY, ["medical_insurance"]),
    ("zy_housing", "clerk", LOCALITY, ["housing_fund"]),
    ("zy_community", "clerk", LOCALITY, ["community"]),
    ("zy_agency", "clerk", LOCALITY, ["archive_agency"]),
]


class HttpRunner(EngineRunner):
    def __init__(self, eng, clock):
        from api import create_app
        from api.demo import demo_password, ensure_user

        super().__init__(eng, clock)
        for username, role, locality, groups in HTTP_USERS:
            ensure_user(eng, username, role, locality, groups)
        self.app = create_app({"DATABASE_URL": "sqlite://", "TESTING": True, "SECRET_KEY": secrets.token_urlsafe(48),
                               "ACCESS_TOKEN_MINUTES": 24 * 60}, engine=eng)
        self.client = self.app.test_client()
        self.tokens, self.groups = {}, {}
        for username, role, _locality, groups in HTTP_USERS:
            r = self.client.post("/api/auth/token", json={"username": username, "password": demo_password(role)})
            assert r.status_code == 200, r.get_json()
            self.tokens[username] = {"Authorization": f"Bearer {r.get_json()['token']}"}
            if role == "clerk":
                self.groups[username] = set(groups)
        self.requests = 0

    def call(self, method: str, path: str, user: str, **kw):
        self.requests += 1
        r = getattr(self.client, method)(path, headers=self.tokens[user], **kw)
        if r.status_code >= 400:
            raise RuntimeError(f"{method.upper()} {path} as {user}: {r.status_code} {r.get_json()}")
        return r.get_json()

    def clerk_for(self, groups) -> str:
        for username, mine in self.groups.items():
            if mine & set(groups or []):
                return username
        return "admin"

    def complete_open_tasks(self, instance_id: str) -> int:
        bk = self.current_key
        listed = self.call("get", f"/api/tasks?business_key={bk}", "admin")["items"]
        for t in listed:
            if t["form_ref"] is None:
                FORMLESS[t["activity_id"]] = FORMLESS.get(t["activity_id"], 0) + 1
            clerk = self.clerk_for(t["candidate_groups"])
            mine = self.call("get", f"/api/tasks?business_key={bk}", clerk)["items"] if clerk != "admin" else listed
            assert any(m["id"] == t["id"] for m in mine), "the clerk's inbox does not show the task"
            detail = self.call("get", f"/api/tasks/{t['id']}", clerk)
            if t["form_ref"] == "approval_form":
                self.probe("task", instance_id)
            self.call("post", f"/api/tasks/{t['id']}/complete", clerk,
                      json={"data": clerk_form_data(t["form_ref"], detail.get("data") or {})})
        return len(listed)

    def run(self, p: dict, t0: datetime) -> float:
        self.clock.set(t0)
        self.paused = 0.0
        started = time.perf_counter()
        body = {"locality": LOCALITY, "data": application_data(p)}
        for _ in range(4):  # a person whose application window opens later files on its first day, as they would
            self.requests += 1
            r = self.client.post("/api/applications", headers=self.tokens["admin"], json=body)  # any channel
            out = r.get_json()
            if r.status_code < 400:
                break
            later = re.search(r"opens on (\d{4}-\d{2}-\d{2})|（(\d{4}-\d{2}-\d{2})起）|before (\d{4}-\d{2})|(\d{4}-\d{2})前不受理",
                              str(out)) if r.status_code == 422 else None  # the message is Chinese by default
            if later is None:
                raise RuntimeError(f"POST /api/applications: {r.status_code} {out}")
            day = later.group(1) or later.group(2) or (later.group(3) or later.group(4)) + "-01"
            self.clock.set(max(self.clock.now(), datetime.combine(date.fromisoformat(day), t0.time())
                               .replace(tzinfo=SHANGHAI)))
        else:
            raise RuntimeError(f"POST /api/applications: {r.status_code} {out}")
        self.current_key = out["business_key"]
        self.drive(out["instance_id"])
        status = self.call("get", f"/api/applications/{out['id']}/progress", "admin")
        if status["status"] != "completed" or status["items_done"] < 2:
            raise RuntimeError(f"(c) progress says {status['status']}, {status['items_done']} items done")
        elapsed = time.perf_counter() - started - self.paused
        self.size_uncounted("end", out["instance_id"])
        return elapsed


# ---- databases -------------------------------------------------------------------------------

class Database:
    def __init__(self, kind: str, pg_url: str | None = None):
        self.kind = kind
        if kind == "sqlite":
            self.folder = tempfile.mkdtemp(prefix="retire-bench-")
            self.path = Path(self.folder) / "bench.db"
            self.url = f"sqlite:///{self.path}"
            self.db = None
        else:
            self.schema = f"bench_{uuid.uuid4().hex[:10]}"
            self.admin = sa.create_engine(pg_url)
            with self.admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
            self.url = pg_url
            # the engine's own connection setup (engine.store.db), only with the bench's schema on the search path
            self.db = make_db_engine(pg_url, connect_args={"options": f"-csearch_path={self.schema}"})

    def engine(self, clock, roster, handlers_wrap=None):
        eng = bootstrap(self.url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                        db_engine=self.db, worker_id="bench")
        Base.metadata.create_all(eng.runtime.db)
        ledger_md.create_all(eng.runtime.db)
        eng.deploy_folders("bench")
        load_roster(eng.runtime.db, roster)
        if handlers_wrap is not None:
            eng.runtime.handlers = handlers_wrap(eng.runtime.handlers)
        self.eng = eng
        return eng

    def bytes_used(self) -> int | None:
        if self.kind == "sqlite":
            with self.eng.runtime.db.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
                size = conn.exec_driver_sql("PRAGMA page_size").scalar()
                free = conn.exec_driver_sql("PRAGMA freelist_count").scalar()
            return (pages - free) * size
        with self.eng.runtime.db.connect() as conn:
            return conn.execute(sa.text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relkind = 'r'"), {"s": self.schema}).scalar()

    def close(self):
        if getattr(self, "eng", None) is not None:
            self.eng.runtime.db.dispose()
        if self.kind == "sqlite":
            shutil.rmtree(self.folder, ignore_errors=True)
        else:
            with self.admin.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            self.admin.dispose()


# ---- measuring -------------------------------------------------------------------------------

class SqlCounter:
    """SQL statements, commits and connection checkouts on one SQLAlchemy engine (event listeners)."""

    def __init__(self, db):
        self.statements = self.commits = self.begins = 0
        self.on = False
        sa.event.listen(db, "before_cursor_execute", self._statement)
        sa.event.listen(db, "commit", self._commit)
        sa.event.listen(db, "begin", self._begin)

    def _statement(self, *_a, **_k):
        self.statements += self.on

    def _commit(self, *_a):
        self.commits += self.on

    def _begin(self, *_a):
        self.begins += self.on


class Result:
    def __init__(self, label: str, seconds: list[float], wall: float, sizes=None, db_bytes=None, extra="",
                 cpu: list[float] | None = None):
        self.label, self.seconds, self.wall = label, seconds, wall
        self.sql = None
        self.rows, self.running_bytes = {}, None
        self.cpu = cpu or []
        self.sizes, self.db_bytes, self.extra = sizes or {}, db_bytes, extra

    @property
    def mean_ms(self):
        return statistics.fmean(self.seconds) * 1000

    @property
    def median_ms(self):
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self):
        s = sorted(self.seconds)
        return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000

    @property
    def cpu_median_ms(self):
        return statistics.median(self.cpu) * 1000 if self.cpu else float("nan")

    @property
    def per_second(self):
        return len(self.seconds) / self.wall


def measure(label, persons, warmup, run_one, progress) -> Result:
    for p in warmup:
        run_one(p)
    gc.collect()
    seconds, cpu = [], []
    began = time.perf_counter()
    for i, p in enumerate(persons, 1):
        c = time.process_time()
        seconds.append(run_one(p))
        cpu.append(time.process_time() - c)
        if progress and i % max(1, len(persons) // 4) == 0:
            print(f"  {label}: {i}/{len(persons)}", file=sys.stderr, flush=True)
    return Result(label, seconds, time.perf_counter() - began, cpu=cpu)


def timed(fn):
    def run(p):
        t = time.perf_counter()
        fn(p)
        return time.perf_counter() - t
    return run


def engine_mode(label, db: Database, roster, persons, warmup, t0, progress, wrap=None, http=False) -> Result:
    clock = FakeClock(t0)
    eng = db.engine(clock, roster, wrap)
    runner = (HttpRunner if http else EngineRunner)(eng, clock)
    runner.counter = counter = SqlCounter(eng.runtime.db)
    before = db.bytes_used()
    for p in warmup:
        runner.run(p, t0)
    counter.on = True
    result = measure(label, persons, [], lambda p: runner.run(p, t0), progress)
    counter.on = False
    result.sql = (counter.statements / len(persons), counter.commits / len(persons), counter.begins / len(persons))
    with eng.runtime.reading() as s:
        done = s.scalar(sa.select(sa.func.count()).select_from(Instance).where(
            Instance.status == "completed", Instance.process_key == "retirement"))
    if done != len(persons) + len(warmup):
        raise RuntimeError(f"{label}: {done} completed instances, expected {len(persons) + len(warmup)}")
    used = db.bytes_used()
    result.sizes, result.rows = runner.sizes, runner.rows
    if db.kind == "postgres":  # running cases: what the database grows by per case waiting at its first timer
        before_running = db.bytes_used()
        extra = (persons * 40)[:40]
        for i, p in enumerate(extra):
            eng.start("retirement", LOCALITY, f"{business_key(p)}-r{i}", start_variables(p), "bench")
        result.running_bytes = (db.bytes_used() - before_running) / len(extra)
    result.db_bytes = (used - before) / (len(persons) + len(warmup)) if used is not None else None
    if http:
        result.extra = f"{runner.requests / (len(persons) + len(warmup)):.0f} HTTP requests per retirement"
    return result


def kib(v):
    return f"{v / 1024:.1f} KiB" if v is not None else "-"


def print_report(results: list[Result], args, elapsed_total: float) -> None:
    ref = results[0]
    print()
    print(f"Zongyang retirement (processes/{LOCALITY}/retirement.bpmn), channel '{CHANNEL}', "
          f"n={args.n} per mode after {args.warmup} warm-up, roster seed {args.seed}")
    head = (f"{'mode':<40} {'mean ms':>9} {'median ms':>10} {'p95 ms':>9} {'retire/s':>9} {'mean ×(a)':>10} "
            f"{'median ×(a)':>12} {'cpu ms':>8} {'cpu ×(a)':>9}")
    print(head)
    print("-" * len(head))
    for r in results:
        print(f"{r.label:<40} {r.mean_ms:>9.2f} {r.median_ms:>10.2f} {r.p95_ms:>9.2f} {r.per_second:>9.1f} "
              f"{r.mean_ms / ref.mean_ms:>10.1f} {r.median_ms / ref.median_ms:>12.1f} "
              f"{r.cpu_median_ms:>8.2f} {r.cpu_median_ms / ref.cpu_median_ms:>9.1f}")
    print("cpu ms: median CPU time of this process per retirement (steadier than wall time on a busy machine;"
          " PostgreSQL's own work is not in it)")
    print()
    print("storage: bytes of instances.state (mean per instance) and whole database growth per finished retirement")
    head2 = f"{'mode':<40} {'waiting at timer':>17} {'waiting at task':>16} {'finished':>10} {'db / retirement':>16}"
    print(head2)
    print("-" * len(head2))
    for r in results[1:]:
        sz = {k: (statistics.fmean(v) if v else None) for k, v in r.sizes.items()}
        print(f"{r.label:<40} {kib(sz.get('timer')):>17} {kib(sz.get('task')):>16} {kib(sz.get('end')):>10} "
              f"{kib(r.db_bytes):>16}")
    for r in results[1:]:
        if any(r.rows.values()):
            rows = {k: (statistics.fmean(v) if v else None) for k, v in r.rows.items()}
            print(f"{'  rows of one case, PostgreSQL':<40} {kib(rows.get('timer')):>17} {kib(rows.get('task')):>16} "
                  f"{kib(rows.get('end')):>10}   (pg_column_size of all its rows, state TOAST-compressed; goal ≤ 8 KB)")
        if r.running_bytes is not None:
            print(f"{'  db growth per running case':<40} {kib(r.running_bytes):>17}   (40 cases started and left "
                  f"waiting at the window timer: tables, TOAST and indexes)")
    print()
    print("SQL per retirement (the engine's commands and the driver's reads; state-size probes excluded)")
    for r in results[1:]:
        if r.sql:
            print(f"{r.label:<40} {r.sql[0]:>7.1f} statements {r.sql[1]:>6.1f} commits {r.sql[2]:>6.1f} begins")
    for r in results:
        if r.extra:
            print(f"{r.label}: {r.extra}")
    if FORMLESS:
        print()
        print("note: human tasks without a form or candidate group were completed with {} (admin): "
              + ", ".join(f"{k} ×{v}" for k, v in sorted(FORMLESS.items())))
        print("      a <bpmn:task> parses as SpiffWorkflow's NoneTask, which is manual, so the engine waits on it")
    print(f"\ntotal wall time {elapsed_total:.1f} s")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200, help="retirements per mode (default 200)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed retirements per mode first (default 3)")
    ap.add_argument("--http-n", type=int, default=None, help="retirements for (c) (default: --n)")
    ap.add_argument("--pg", default=None, help="PostgreSQL URL: also run (b) there (a fresh schema, dropped after)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--today", default="2026-01-05", help="the fake today the roster and the clock start at")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("retire").setLevel(logging.ERROR)

    today = date.fromisoformat(args.today)
    t0 = datetime.combine(today, datetime.min.time()).replace(hour=9)
    roster, chosen = pick_persons(args.n + args.warmup, today, args.seed)
    warm, persons = chosen[:args.warmup], chosen[args.warmup:]
    progress = not args.quiet
    began = time.perf_counter()
    results, canned = [], {}

    def recorder(handlers):
        return recording(handlers, canned)

    db = Database("sqlite")
    try:
        sqlite_b = engine_mode("(b) engine + SQLite", db, roster, persons, warm, t0, progress, wrap=recorder)
    finally:
        db.close()

    plain = PlainRunner(canned)
    clock = FakeClock(t0)
    results.append(measure("(a) SpiffWorkflow in memory", persons, warm, timed(lambda p: plain.run(p, clock, t0)),
                           progress))
    results.append(sqlite_b)
    if args.pg:
        db = Database("postgres", args.pg)
        try:
            results.append(engine_mode("(b) engine + PostgreSQL", db, roster, persons, warm, t0, progress))
        finally:
            db.close()
    if not args.skip_http:
        n_http = args.http_n if args.http_n is not None else args.n
        db = Database("sqlite")
        try:
            results.append(engine_mode("(c) HTTP (Flask test client) + SQLite", db, roster, persons[:n_http], warm,
                                       t0, progress, http=True))
        finally:
            db.close()
    print_report(results, args, time.perf_counter() - began)


if __name__ == "__main__":
    main()
