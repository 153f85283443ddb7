"""Demo cases at every stage: before the demo server starts, each locality's recent weeks are run on a fake clock
(the simulator's people and clerks, api/simulate.py), so every demo inbox has work, some cases are finished and the
applicant's page has cases to show. The definitions are deployed on that clock's first morning, so the monthly
batches and the quarterly notification fire during the run (92 days: one quarterly notification always falls in).
The clerks complete every task but a few of each step (``_LeaveWaiting``), so on the demo's first morning every step
that the weeks reached has work in its department's inbox — some overdue, some due soon — and the cases behind them
stand at every stage.

Each simulated case gets its application row (申请表) as if filed by its channel, so the clerks' search, the case
summary and the applicant's page find it like any other."""
from __future__ import annotations

import logging
import random
import time as _time
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa

from engine.bpmn.expressions import add_months
from engine.clock import SHANGHAI, FakeClock
from engine.store.models import Application, Instance

from .simulate import QUIET_LOGGERS, _at, _Simulation, statutory_months

LOCALITIES = ("340722", "220000")
# people per locality: Zongyang's people apply a month before retiring, Jilin's employers declare six months ahead
PEOPLE = {"340722": 120, "220000": 80}


KEEP_PER_STEP = 2
# the monthly batch carries every case of its month: its tasks are left waiting only in the last weeks, the other
# steps' from the start (each holds up only its own cases)
HOLD_CASES = ("monthly_batch",)


class _LeaveWaiting:
    """Which open tasks the simulated clerks of ``locality`` take up. Not another locality's (run before). Of each
    step (activity), the first task is left for the demo's users whenever it comes (an overdue one, likely), and
    one more that comes in the last weeks (from ``recent`` on); the monthly batch's (``HOLD_CASES``: it carries
    every case of its month) only from ``recent`` on."""

    def __init__(self, clock, locality: str, recent: datetime):
        self.clock, self.locality, self.recent = clock, locality, recent
        self.kept: set[str] = set()
        self.per_step: dict[str, int] = {}

    def ready(self, task) -> bool:
        if task.id in self.kept or not task.locality.startswith(self.locality):
            return False
        n = self.per_step.get(task.activity_id, 0)
        recent = self.clock.now() >= self.recent
        if n >= KEEP_PER_STEP or not (recent or (n == 0 and task.process_key not in HOLD_CASES)):
            return True
        self.kept.add(task.id)
        self.per_step[task.activity_id] = n + 1
        return False


def prerun(database_url: str, processes_dir, forms_dir, *, days: int = 92, keep_days: int = 14,
           people: int | None = None, seed: int = 11, today=None, echo=print) -> dict:
    """Run ``days`` days before ``today`` (default: the real date) on the demo database, deploying the folders on
    its first morning; clerks leave a few tasks of every step waiting, more of those of the last ``keep_days``
    (``_LeaveWaiting``). → {locality: {"cases", "completed", "open_tasks"}, "seconds"}."""
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
    eng.deploy_folders("demo")   # deployed on the first simulated morning: timer starts fire from then on
    out: dict = {}
    try:
        for i, locality in enumerate(LOCALITIES):
            county = "340722" if locality == "340722" else "220000"
            persons = generate_roster(county, people or PEOPLE[locality], today=add_months(start, -3), seed=seed + i,
                                      retirement_month=statutory_months(eng, county))
            for j, p in enumerate(persons):
                if p.get("housing_fund_account"):   # account numbers count from 1 in every roster: keep them apart
                    p["housing_fund_account"]["account_no"] = f"GJJ{p['id_number']}"
                _make_work(p, j)
            load_roster(eng.runtime.db, persons)
            sim = _Simulation(eng, clock, locality, persons, start, days, random.Random(seed + i),
                              lambda *_a, **_k: None)
            sim.schedule()
            if locality == "220000":
                _some_declared_by_the_file_agency(sim, today)
            sim.task_ready = _LeaveWaiting(clock, locality, _at(today - timedelta(days=keep_days), 0)).ready
            for d in range(days):
                sim.day(start + timedelta(days=d))
            _file_applications(eng, sim, locality)
            out[locality] = _counts(eng, locality)
    finally:
        eng.runtime.db.dispose()
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    out["seconds"] = round(_time.perf_counter() - began, 1)
    return out


def _some_declared_by_the_file_agency(sim, today) -> None:
    """Jilin's employers go on online (吉事办), so only a file-keeping agency's people (档案托管机构, 吉人社联〔2024〕56号
    二(八)) are booked offline after the push. Of the people who retire before the demo's today, every second is
    declared by such an agency and asks for the housing-fund withdrawal: the housing-fund centre's clerks then have
    people to receive at the window (Task_hf_reception) whatever day the demo is built."""
    month, n = today.isoformat()[:7], 0
    for day in sorted(sim.plan):
        for entry in sim.plan[day]:
            if str(entry["retirement_month"])[:7] <= month and entry["channel"] == "employer":
                n += 1
                if n % 2:
                    entry["channel"] = "archive_agency"
                    entry["requested_items"] = sorted({*entry["requested_items"], "housing_fund_withdrawal"})


def _make_work(person: dict, j: int) -> None:
    """More of the persons whose cases need a department's hand than a random roster has, so that the weeks give
    every department's step some cases: phones out of service (the phone correction and the offline notice), too
    too few medical months (the medical top-up), an earlier birth date in the file (the birth-date check), the
    only-child certificate (the reward's claim)."""
    if j % 6 == 1:
        person["phone_valid"] = False
    if j % 3 == 2 and person.get("medical_account"):
        person["medical_account"].update(actual_months=100, deemed_months=60, local_months=100)
    if j % 7 == 3 and person.get("birth_date_file") in (None, person["birth_date_id_card"]):
        person["birth_date_file"] = add_months(person["birth_date_id_card"], -2)
    if j % 3 == 0 and not person.get("only_child_certificate"):
        person["only_child_certificate"] = f"独{person['locality']}{j:06d}"


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


def window_open_person(engine, locality: str = "340722", scan: int = 400) -> dict | None:
    """A roster person of ``locality`` whose application window is open today and who has no case yet: an ID
    number a new user can try at /apply (the demo's roster is synthetic)."""
    from engine import case_queries
    from handlers.variables import iso

    from .views import application_checks as checks
    from .views.retirement_facts import window

    today = engine.runtime.now().astimezone(SHANGHAI).date()
    settings = engine.runtime.localities.settings(locality)
    for i, person in enumerate(engine.runtime.ports.roster.in_locality(locality)):
        if i >= scan:
            return None
        variables = {"category": person["category"], "sex": person["sex"],
                     "birth_date_id_card": iso(person["birth_date_id_card"])}
        if not window(settings, checks.retirement_dates(engine, locality, variables, person), today)["open_now"]:
            continue
        with engine.runtime.reading() as s:
            if case_queries.running_case(s, locality, person["id_number"]) is None:
                return {"id_number": person["id_number"], "name": person["name"]}
    return None
