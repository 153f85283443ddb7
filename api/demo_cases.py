"""Demo cases at every stage: before the demo server starts, each locality's recent weeks are run on a fake clock
(the simulator's people and clerks, api/simulate.py), so every demo inbox has work, some cases are finished and the
applicant's page has cases to show. Each task waits up to a week before its clerk takes it up, so on the demo's
first morning the last days' tasks of every stage wait in the departments' inboxes.

Each simulated case gets its application row (申请表) as if filed by its channel, so the clerks' search, the case
summary and the applicant's page find it like any other."""
from __future__ import annotations

import hashlib
import logging
import random
import time as _time
import uuid
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from engine.bpmn.expressions import add_months
from engine.clock import SHANGHAI, FakeClock
from engine.store.models import Application, Instance

from .simulate import QUIET_LOGGERS, _at, _Simulation, statutory_months

LOCALITIES = ("340722", "220000")
# people per locality: Zongyang's people apply a month before retiring, Jilin's employers declare six months ahead
PEOPLE = {"340722": 120, "220000": 40}


def _lag(task) -> timedelta:
    """How long a task waits for its clerk: 0 to 7 days, fixed per task."""
    return timedelta(days=int(hashlib.sha256(task.id.encode()).hexdigest(), 16) % 8)


def prerun(database_url: str, processes_dir, forms_dir, *, days: int = 60, idle_days: int = 0,
           people: int | None = None, seed: int = 11, today=None, echo=print) -> dict:
    """Run ``days`` days before ``today`` (default: the real date) on the demo database; clerks idle the last
    ``idle_days``. → {locality: {"cases", "completed", "open_tasks"}, "seconds"}."""
    from engine.bootstrap import bootstrap
    from handlers.ledger.demo_roster import generate_roster, load_roster

    began = _time.perf_counter()
    today = today or datetime.now(SHANGHAI).date()
    start = today - timedelta(days=days)
    clock = FakeClock(_at(start, 7))
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    eng = bootstrap(database_url, processes_dir=processes_dir, forms_dir=forms_dir, clock=clock,
                    ports_kind="ledger", worker_id="demo-prerun")
    out: dict = {}
    try:
        for i, locality in enumerate(LOCALITIES):
            county = "340722" if locality == "340722" else "220000"
            persons = generate_roster(county, people or PEOPLE[locality], today=add_months(start, -3), seed=seed + i,
                                      retirement_month=statutory_months(eng, county))
            for p in persons:   # account numbers count from 1 in every generated roster: keep them apart
                if p.get("housing_fund_account"):
                    p["housing_fund_account"]["account_no"] = f"GJJ{p['id_number']}"
            load_roster(eng.runtime.db, persons)
            sim = _Simulation(eng, clock, locality, persons, start, days, random.Random(seed + i),
                              lambda *_a, **_k: None)
            sim.schedule()
            sim.task_ready = lambda t: clock.now() - _as_utc(t.created_at) >= _lag(t)
            working = sim.clerks
            for d in range(days):
                day = start + timedelta(days=d)
                sim.clerks = working if d < days - idle_days else (lambda _day: None)
                sim.day(day)
            _file_applications(eng, sim, locality)
            out[locality] = _counts(eng, locality)
    finally:
        eng.runtime.db.dispose()
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    out["seconds"] = round(_time.perf_counter() - began, 1)
    return out


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _file_applications(eng, sim, locality: str) -> None:
    """The application row of every simulated case, as its channel filed it."""
    with eng.runtime.transaction() as session:
        known = set(session.scalars(sa.select(Application.business_key).where(Application.locality == locality)))
        for key in sim.started_keys:
            if key in known:
                continue
            inst = session.scalar(sa.select(Instance).where(Instance.business_key == key))
            if inst is None:
                continue
            entry = sim.cases[key]
            data = sim.variables(entry)
            session.add(Application(id=str(uuid.uuid4()), business_key=key, instance_id=inst.id, locality=locality,
                                    locality_path=inst.locality_path, id_number=data["id_number"], name=data["name"],
                                    channel=entry["channel"], data=data, submitted_by=f"{entry['channel']}:demo",
                                    created_at=inst.started_at))


def _counts(eng, locality: str) -> dict:
    from engine.store.models import HumanTask

    with eng.runtime.reading() as s:
        def count(q):
            return s.scalar(sa.select(sa.func.count()).select_from(q.subquery()))

        return {"cases": count(sa.select(Instance.id).where(Instance.locality == locality,
                                                           Instance.process_key == "retirement")),
                "completed": count(sa.select(Instance.id).where(Instance.locality == locality,
                                                               Instance.process_key == "retirement",
                                                               Instance.status == "completed")),
                "open_tasks": count(sa.select(HumanTask.id).where(HumanTask.locality == locality,
                                                                 HumanTask.status == "open"))}


def sample_cases(engine, limit: int = 3) -> list[dict]:
    """A few business keys per locality and state, newest first, for the banner."""
    out = []
    with engine.runtime.reading() as s:
        for locality in LOCALITIES:
            for status in ("running", "completed"):
                rows = s.execute(sa.select(Application.business_key, Application.instance_id, Instance.status)
                                 .join(Instance, Instance.id == Application.instance_id)
                                 .where(Application.locality == locality, Instance.status == status)
                                 .order_by(Application.created_at.desc()).limit(limit)).all()
                out.extend({"locality": locality, "business_key": r.business_key, "instance_id": r.instance_id,
                            "status": r.status} for r in rows)
    return out
