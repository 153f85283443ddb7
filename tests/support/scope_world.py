"""A database holding both Jilin (220000) and Zongyang (340722) records of every kind, built once per test module:
cases, open and completed tasks, joint items, an incident, SMS outbox rows, roster rows, Jilin's own definitions
(a second version and an adapted DMN table), a Jilin draft and audit rows of a Jilin whole-record read."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from tests.conftest import PG_URL, ROOT, create_schema, reset_database
from tests.support.people import application_data, person

JILIN_NAME, ZONGYANG_NAME = "赵吉林", "钱枞阳"


@dataclass
class World:
    eng: object
    app: object
    client: object
    clock: object
    jl: dict = field(default_factory=dict)   # Jilin ids: instance, task, application, job, definition, draft, …
    zy: dict = field(default_factory=dict)
    jl_person: dict = field(default_factory=dict)
    zy_person: dict = field(default_factory=dict)

    def login(self, username: str, password: str | None = None) -> dict:
        from api.demo import DEMO_USERS, demo_password

        roles = {u[0]: u[1] for u in DEMO_USERS}
        rv = self.client.post("/api/auth/token", json={"username": username,
                                                       "password": password or demo_password(roles[username])})
        assert rv.status_code == 200, rv.json
        return {"Authorization": f"Bearer {rv.json['token']}"}

    def jilin_needles(self) -> list[str]:
        """Strings that appear in no response a Zongyang user may get: Jilin codes, keys, ids and personal data."""
        p = self.jl_person
        return ["220000", "220102", self.jl["business_key"], self.jl["instance_id"], self.jl["task_id"],
                self.jl["application_id"], p["id_number"], p["phone"], JILIN_NAME, "吉林"]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body_text(rv) -> str:
    """The response body with Chinese unescaped, so that names are found as written; a workbook as the text of
    its cells, a PDF as its bytes (its numbers and codes are drawn in a Latin font, uncompressed)."""
    if rv.is_json and rv.json is not None:
        return json.dumps(rv.json, ensure_ascii=False)
    if rv.mimetype == XLSX:
        from io import BytesIO

        from openpyxl import load_workbook

        wb = load_workbook(BytesIO(rv.data), read_only=True)
        return "\n".join(" ".join("" if v is None else str(v) for v in row)
                         for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    if rv.mimetype == "application/pdf":
        return rv.data.decode("latin-1")
    return rv.get_data(as_text=True)


def build_world(tmp_path_factory) -> World:
    from api import create_app
    from api.demo import DEMO_USERS, ensure_user
    from engine.bootstrap import bootstrap
    from engine.clock import FakeClock
    from engine.store.models import HumanTask, Instance, Job
    from handlers.ledger.demo_roster import generate_roster, load_roster
    from tests.support.decisions import statutory_month

    if PG_URL:
        reset_database(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('scope') / 'retire.db'}"
    create_schema(url)
    clock = FakeClock(datetime(2026, 11, 22, 9, 0))
    eng = bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                    worker_id="test-worker")
    eng.deploy_folders("test")
    for user in DEMO_USERS:
        ensure_user(eng, *user)
    ensure_user(eng, "zy_auditor", "auditor", "340722", [], "枞阳县审计", "auditor123")
    ensure_user(eng, "jl_auditor", "auditor", "220000", [], "吉林省审计", "auditor123")
    ensure_user(eng, "zy_admin", "admin", "340722", [], "枞阳县系统管理员", "admin123")
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789-abcdefghijklmnop",
                      "LOGIN_LIMIT_PER_IP": "100000 per minute"}, engine=eng)
    w = World(eng=eng, app=app, client=app.test_client(), clock=clock)

    # roster rows of both localities (the quarterly report reads them)
    today = clock.now().date()
    load_roster(eng.runtime.db, generate_roster("220000", 30, today=today, seed=3, retirement_month=statutory_month))
    load_roster(eng.runtime.db, generate_roster("340722", 30, today=today, seed=4, retirement_month=statutory_month))
    w.zy_person = person(county="340722", born=date(1966, 2, 9), name=ZONGYANG_NAME, seq=31, phone="13800001111")
    w.jl_person = person(county="220102", born=date(1966, 2, 9), name=JILIN_NAME, seq=41, phone="13900002222",
                         arrears_months=2)
    load_roster(eng.runtime.db, [w.zy_person, w.jl_person])

    # one case each, through the API as their own clerks do it
    c = w.client
    for who, loc, p, channel, out in (("zy_community", "340722", w.zy_person, "community", w.zy),
                                      ("jl_employer", "220000", w.jl_person, "employer", w.jl)):
        rv = c.post("/api/applications", headers=w.login(who),
                    json={"locality": loc, "data": application_data(p, channel=channel)})
        assert rv.status_code == 201, rv.json
        out.update(application_id=rv.json["id"], instance_id=rv.json["instance_id"],
                   business_key=rv.json["business_key"])
    eng.run_due_jobs()
    with eng.runtime.reading() as s:
        for out in (w.jl, w.zy):
            row = s.get(Instance, out["instance_id"])
            out["definition_id"] = row.definition_id
            task = s.scalars(sa.select(HumanTask).where(HumanTask.instance_id == row.id)).first()
            assert task is not None, "each case waits in a human task"
            out["task_id"] = task.id
            out["task_groups"] = task.candidate_groups

    # an incident in Jilin: a job of the Jilin case that failed its last attempt
    with eng.runtime.transaction() as s:
        job = Job(instance_id=w.jl["instance_id"], task_id="incident-task", kind="service", topic="hrss.fail",
                  activity_id="Task_failing", activity_name="失败的任务", locality="220000",
                  locality_path=eng.runtime.localities.path("220000"), due_at=clock.now(), status="incident", attempts=3,
                  max_attempts=3, last_error="department system down", payload={}, created_at=clock.now(),
                  updated_at=clock.now())
        s.add(job)
        s.flush()
        w.jl["job_id"] = job.id

    # SMS outbox rows of both cases
    for out, p in ((w.jl, w.jl_person), (w.zy, w.zy_person)):
        eng.runtime.ports.sms.send(p["phone"], f"{p['name']}您好，您的退休申请已受理", out["business_key"],
                           f"test-{out['business_key']}", "accepted", f"{p['name'][0]}**您好，您的退休申请已受理")

    # Jilin's own definitions: a second version of its retirement process, an adapted DMN table, a draft
    pjl = w.login("policy_jl")
    rv = c.get(f"/api/definitions/{w.jl['definition_id']}", headers=pjl)
    assert rv.status_code == 200, rv.json
    v1 = rv.json
    rv = c.post("/api/definitions", headers=pjl, json={"locality": "220000", "note": "v2", "files": [
        {"name": v1["file_name"], "content": v1["content"] + "\n<!-- 吉林 v2 -->\n"}]})
    assert rv.status_code == 201 and rv.json["deployed"], rv.json
    w.jl["definition_v2"] = rv.json["deployed"][0]["id"]
    national = c.get("/api/definitions", headers=pjl, query_string={"locality": "000000", "kind": "dmn",
                                                                      "key": "pension_divisor"}).json["items"][0]
    w.national_dmn = national
    rv = c.post("/api/localities/220000/overrides", headers=pjl, json={"definition_id": national["id"]})
    assert rv.status_code == 201, rv.json
    w.jl["adapted_definition"] = rv.json["id"]
    rv = c.put("/api/drafts", headers=pjl, json={"locality": "220000", "file_name": "吉林草稿.bpmn",
                                                 "content": v1["content"]})
    assert rv.status_code == 200, rv.json
    w.jl["draft_id"] = rv.json["id"]

    # the monthly batch of each (an acceptance in October, the month before the clock's) and a Jilin joint item
    # pushed and done this month, so that the 采集表, the pushed lists and the completion counts have Jilin rows
    from engine.store.models import Item

    for out, p, loc, channel, group in ((w.jl, w.jl_person, "220000", "employer", "employer"),
                                        (w.zy, w.zy_person, "340722", "community", "community")):
        eng.runtime.ports.hrss.accept({"business_key": out["business_key"], "id_number": p["id_number"], "channel": channel,
                               "batch_group": group, "accepted_on": date(2026, 10, 20), "batch_month": "2026-10",
                               "locality": loc}, f"test-accept-{out['business_key']}")
    with eng.runtime.transaction() as s:
        s.add(Item(instance_id=w.jl["instance_id"], item="retiree_medical_jl", department="medical_insurance",
                   locality="220000", locality_path=eng.runtime.localities.path("220000"), state="done", result={},
                   started_at=clock.now(), completed_at=clock.now()))

    # a whole-record read in Jilin, audited there
    rv = c.get(f"/api/instances/{w.jl['instance_id']}", headers=w.login("admin"), query_string={"whole": "true"})
    assert rv.status_code == 200, rv.json
    return w
