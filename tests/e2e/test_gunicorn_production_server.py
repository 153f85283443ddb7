"""`retire serve --production`: gunicorn with four worker processes serving api.wsgi:app on a fresh database, driven
over real HTTP: a case started, its task completed by a clerk, its service call failing into an incident that the
console shows on its dashboard and diagram, a retry of it, and the case finished; request ids echoed, JSON-line logs
without personal data, and /metrics summing what every worker process counted. The test plays the worker with an
engine on the same database (so it can make a department's system fail)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, ROOT, create_schema, reset_database
from tests.e2e.helpers import tick
from tests.integration.engine.conftest import APPROVE_THEN_WITHDRAW
from tests.support.people import person

pytestmark = pytest.mark.slow
SECRET = "gunicorn-test-secret-0123456789-abcdefghijklmn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from api.demo import DEMO_USERS, ensure_user
    from engine.bootstrap import bootstrap
    from engine.definitions import DefinitionFile
    from handlers.ledger.demo_roster import load_roster

    tmp = tmp_path_factory.mktemp("gunicorn")
    if PG_URL:
        reset_database(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp / 'retire.db'}"
    create_schema(url)
    eng = bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", worker_id="gunicorn-test")
    eng.deploy_folders("test")
    for user in DEMO_USERS:
        ensure_user(eng, *user)
    eng.deploy("000000", [DefinitionFile("probe_withdrawal.bpmn", APPROVE_THEN_WITHDRAW)], "test", "probe")
    from datetime import date
    wang = person(county="340722", born=date(1966, 10, 9), seq=11, phone="13912345678")
    load_roster(eng.runtime.db, [wang])
    port = _free_port()
    log = open(tmp / "server.log", "w+")
    env = {**os.environ, "RETIRE_DATABASE_URL": url, "RETIRE_SECRET_KEY": SECRET, "RETIRE_DEMO": "1",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path_factory.mktemp("metrics")), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--production", "--workers", "4",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("gunicorn did not answer within a minute")
    assert proc.poll() is None, log.seek(0) or log.read()
    yield {"url": base, "engine": eng, "proc": proc, "log": log, "person": wang}
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()
    eng.runtime.db.dispose()


def _login(c: httpx.Client, username: str) -> dict:
    from api.demo import DEMO_USERS, demo_password

    role = {u[0]: u[1] for u in DEMO_USERS}[username]
    rv = c.post("/api/auth/token", json={"username": username, "password": demo_password(role)})
    assert rv.status_code == 200, rv.text
    return {"Authorization": f"Bearer {rv.json()['token']}"}


def test_four_gunicorn_workers_serve_a_case_from_start_through_an_incident_to_its_end(server):
    eng, wang = server["engine"], server["person"]
    with httpx.Client(base_url=server["url"], timeout=30) as c:
        admin, hrss = _login(c, "admin"), _login(c, "zy_hrss")
        rv = c.post("/api/instances", headers=admin, json={
            "key": "probe_withdrawal", "locality": "340722", "business_key": "GUNI-1",
            "variables": {"id_number": wang["id_number"], "name": wang["name"], "bank_card": wang["bank_card"]}})
        assert rv.status_code == 201, rv.text
        iid = rv.json()["id"]
        task = next(t for t in c.get("/api/tasks", headers=hrss).json()["items"] if t["instance_id"] == iid)
        rv = c.post(f"/api/tasks/{task['id']}/complete", headers=hrss, json={"data": {"decision": "approve"}})
        assert rv.status_code == 200, rv.text

        real = eng.runtime.handlers["housing_fund.withdraw"]

        def unreachable(ctx):
            raise ConnectionError("housing-fund system unreachable")

        eng.runtime.handlers["housing_fund.withdraw"] = unreachable
        try:
            from engine.store.models import Job
            for _ in range(5):
                with eng.runtime.transaction() as s:  # the back-off is waited out by moving the retry to now
                    s.execute(sa.update(Job).where(Job.status == "ready")
                              .values(due_at=eng.runtime.now() - timedelta(seconds=1)))
                tick(eng)
        finally:
            eng.runtime.handlers["housing_fund.withdraw"] = real

        from api.worker import heartbeat
        heartbeat(eng)
        board = c.get("/api/console/dashboard", headers=admin).json()
        assert board["open_incidents"] == 1 and board["workers"][0]["state"] == "ok"
        incident = c.get("/api/incidents", headers=admin).json()["items"][0]
        assert "housing-fund system unreachable" in incident["error"]
        diagram = c.get(f"/api/instances/{iid}/diagram", headers=admin).json()
        assert incident["activity_id"] in diagram["views"][0]["failed"]

        rv = c.post("/api/incidents/retry", headers=admin, json={"job_ids": [incident["id"]]})
        assert rv.json()["retried"] == 1
        tick(eng)
        assert c.get(f"/api/instances/{iid}", headers=admin).json()["status"] == "completed"
        assert c.get("/api/incidents", headers=admin).json()["total"] == 0

        rv = c.get("/api/health", headers={"X-Request-Id": "probe-42"})
        assert rv.headers["X-Request-Id"] == "probe-42" and rv.json()["worker"] == "ok"
        metrics = c.get("/metrics").text
    assert 'retire_http_requests_total{method="POST",route="/api/tasks/<task_id>/complete",status="200"} 1.0' \
        in metrics, metrics[:2000]
    assert "retire_open_incidents 0.0" in metrics and "retire_jobs_retried_total 1.0" in metrics
    assert 'retire_open_tasks' in metrics
    server["log"].flush()
    server["log"].seek(0)
    lines = [json.loads(ln) for ln in server["log"].read().splitlines() if ln.startswith("{")]
    access = [ln for ln in lines if ln.get("logger") == "retire.access"]
    assert any(ln["request_id"] == "probe-42" and ln["route"] == "/api/health" for ln in access)
    text = json.dumps(lines, ensure_ascii=False)
    assert wang["id_number"] not in text and wang["name"] not in text and "13912345678" not in text
    assert server["proc"].poll() is None
