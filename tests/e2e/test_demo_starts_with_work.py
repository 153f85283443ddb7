"""./dev run starts with cases at every stage in both localities: the last weeks run on a demo clock before the
server starts, so clerks have tasks waiting, some cases are finished, and the applicant's page and the clerks'
search find them like any filed case."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from engine.store.models import Application, HumanTask, Instance
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_demo_prerun_leaves_waiting_tasks_finished_cases_and_filed_applications(eng, database_url, client, login):
    from api.demo_cases import prerun, sample_cases

    ran = prerun(database_url, ROOT / "processes", ROOT / "forms", days=45, keep_days=10, people=40,
                 today=date(2026, 12, 3), echo=lambda *_: None)
    print(f"\ndemo prerun: {ran}")
    assert ran["340722"]["cases"] and ran["220000"]["cases"]
    with eng.runtime.reading() as s:
        cases = s.scalar(sa.select(sa.func.count()).select_from(Instance).where(Instance.process_key == "retirement"))
        filed = s.scalar(sa.select(sa.func.count()).select_from(Application))
        waiting = s.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(HumanTask.status == "open"))
    assert filed == cases, "every simulated case has its application row"
    assert waiting > 0, "the clerks left some tasks of every step: they wait in the inboxes"
    samples = sample_cases(eng)
    assert {c["locality"] for c in samples} == {"340722", "220000"}
    key = samples[0]["business_key"]
    found = client.post("/api/instances/search", headers=login("admin"), json={"q": key}).json["items"]
    assert [f["business_key"] for f in found] == [key]
    with eng.runtime.reading() as s:
        app = s.scalar(sa.select(Application).where(Application.business_key == key))
    page = client.post("/api/public/progress", json={"business_key": key, "id_tail": app.id_number[-6:]})
    assert page.status_code == 200 and page.json["items"]


def _groups_with_user_tasks(eng, locality: str) -> set[str]:
    """The candidate groups of every user task in the definitions in force at ``locality``."""
    import re

    with eng.runtime.reading() as s:
        seq = eng.runtime.definitions.latest_seq(s)
        found = set()
        for code in eng.runtime.localities.chain(locality):
            for d in eng.runtime.definitions.current_at(s, code, seq):
                if d.kind == "bpmn":
                    for groups in re.findall(r'<bpmn:userTask[^>]*candidateGroups="([^"]*)"', d.content):
                        found |= {g.strip() for g in groups.split(",")}
    return found


def test_every_demo_clerk_account_finds_work_in_its_inbox_after_the_demo_is_built(database_url):
    """Built as `retire demo` builds it (the pre-run first, on a fresh database), then each demo clerk signs in and
    asks the real task API for its inbox."""
    import time
    from datetime import datetime

    from api import create_app
    from api.demo import DEMO_USERS, demo_password, ensure_user
    from api.demo_cases import prerun
    from engine.bootstrap import bootstrap
    from engine.clock import FakeClock
    from tests.conftest import create_schema

    create_schema(database_url)
    began = time.perf_counter()
    ran = prerun(database_url, ROOT / "processes", ROOT / "forms", today=date(2026, 12, 3), echo=lambda *_: None)
    print(f"\ndemo prerun: {ran}, {time.perf_counter() - began:.1f} s")
    eng = bootstrap(database_url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms",
                    clock=FakeClock(datetime(2026, 12, 4, 9, 0)), worker_id="demo-test")
    try:
        for user in DEMO_USERS:
            ensure_user(eng, *user)
        client = create_app({"TESTING": True, "SECRET_KEY": "demo-test-secret-0123456789-abcdefghijkl"},
                            engine=eng).test_client()
        empty, no_step = [], []
        for username, role, locality, groups, _name in DEMO_USERS:
            if role != "clerk":
                continue
            if not set(groups) & _groups_with_user_tasks(eng, locality):
                no_step.append(username)   # no diagram in force gives this department a user task
                continue
            token = client.post("/api/auth/token", json={"username": username, "password": demo_password(role)})
            assert token.status_code == 200, token.json
            inbox = client.get("/api/tasks", headers={"Authorization": f"Bearer {token.json['token']}"})
            assert inbox.status_code == 200, inbox.json
            assert all(t["locality"].startswith(locality) for t in inbox.json["items"])
            if not inbox.json["items"]:
                empty.append(username)
        assert not empty, f"demo accounts with an empty inbox: {empty}"
        # every clerk's department has a step of its own; the housing fund's is receiving a person booked offline
        assert no_step == [], f"demo accounts whose department has no user task in force: {no_step}"
        with eng.runtime.reading() as s:
            finished = s.scalar(sa.select(sa.func.count()).select_from(Instance).where(
                Instance.process_key == "retirement", Instance.status == "completed"))
        assert finished > 0, "some cases are finished"
        # the banner's ID number to try at /apply: the window is open and nobody filed for the person yet
        from api.demo_cases import window_open_person

        person = window_open_person(eng)
        assert person, "the banner names a person to file for"
        token = client.post("/api/auth/token", json={"username": "zy_community", "password": "clerk123"}).json["token"]
        found = client.post("/api/persons/lookup", json={"id_number": person["id_number"]},
                            headers={"Authorization": f"Bearer {token}"})
        assert found.status_code == 200, found.json
        assert found.json["window"]["open_now"] and found.json["running_case"] is None
    finally:
        eng.runtime.db.dispose()
