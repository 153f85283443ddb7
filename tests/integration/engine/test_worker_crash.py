"""Workers that die or stop in the middle of a job: a killed worker's job runs again and pays once; a job that
kills every worker running it ends as an incident after its last attempt; a worker stopped with SIGTERM
finishes its running job and hands back the rest of its batch."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.store.models import HistoryEvent, HumanTask, Instance, Job
from handlers.ledger.schema import housing_fund_accounts, housing_fund_withdrawals
from tests.support.people import person

ROOT = Path(__file__).resolve().parents[3]


def _worker(database_url: str, marker: Path, *, slow: bool = False, handlers: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "RETIRE_DATABASE_URL": database_url, "RETIRE_JOB_LEASE_SECONDS": "3",
           "RETIRE_TEST_MARKER": str(marker), "PYTHONPATH": str(ROOT),
           "RETIRE_SECRET_KEY": "worker-crash-test-key-0123456789-abcdefghijklmnop",
           "RETIRE_PROCESSES_DIR": str(ROOT / "processes"), "RETIRE_FORMS_DIR": str(ROOT / "forms")}
    handlers = "tests.support.slow_withdraw" if slow else handlers
    if handlers:
        env["RETIRE_HANDLER_MODULES"] = handlers
    else:
        env.pop("RETIRE_HANDLER_MODULES", None)
    return subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--poll", "0.2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _approved(eng, roster, probe, seq: int, business_key: str) -> str:
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=seq, housing_balance="8888.88"))
    iid = eng.start(probe, "340722", business_key, {"id_number": p["id_number"], "name": p["name"],
                                                   "bank_card": p["bank_card"]}, "test")
    with eng.runtime.reading() as s:
        task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid))
    eng.complete_task(task.id, {"decision": "approve"}, "zy_hrss")
    return iid


def _job(eng, iid: str, topic: str) -> Job:
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == topic))


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.slow
def test_a_worker_killed_mid_job_reruns_it_after_restart_and_pays_once(eng, database_url, roster, probe, tmp_path):
    p = roster(person(county="340722", born=date(1966, 10, 9), housing_balance="8888.88"))
    iid = eng.start(probe, "340722", "BK-crash", {"id_number": p["id_number"], "name": p["name"],
                                                  "bank_card": p["bank_card"]}, "test")
    with eng.runtime.reading() as s:
        task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid))
    eng.complete_task(task.id, {"decision": "approve"}, "zy_hrss")
    marker = tmp_path / "paid"

    first = _worker(database_url, marker, slow=True)
    try:
        _wait(marker.exists, 60, "the withdrawal to be paid by the first worker")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    with eng.runtime.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == "housing_fund.withdraw"))
        assert job.status == "running", "the killed worker still holds the lease"
        assert s.get(Instance, iid).status == "running"

    second = _worker(database_url, marker, slow=False)
    try:
        def finished():
            with eng.runtime.reading() as s:
                return s.get(Instance, iid).status == "completed"
        _wait(finished, 60, "the restarted worker to finish the case")
    finally:
        second.terminate()
        second.wait(timeout=10)

    with eng.runtime.db.connect() as conn:
        paid = conn.execute(sa.select(housing_fund_withdrawals)).mappings().all()
        account = conn.execute(sa.select(housing_fund_accounts)).mappings().one()
    assert len(paid) == 1 and str(paid[0]["amount"]) == "8888.88", paid
    assert account["status"] == "closed" and account["balance"] == 0
    with eng.runtime.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == "housing_fund.withdraw"))
        assert job.status == "done"


@pytest.mark.slow
def test_a_job_that_kills_every_worker_running_it_becomes_an_incident_after_its_last_attempt(
        eng, database_url, roster, probe, tmp_path):
    iid = _approved(eng, roster, probe, 13, "BK-killer")
    assert eng.run_due_jobs(limit=1, max_rounds=1) == 1, "the seal runs here; the withdrawal is left to the workers"
    marker = tmp_path / "attempts"
    max_attempts = _job(eng, iid, "housing_fund.withdraw").max_attempts
    for _restart in range(max_attempts + 2):  # the operator keeps restarting the worker that died
        worker = _worker(database_url, marker, handlers="tests.support.killing_withdraw")
        try:
            def died_or_incident():
                return worker.poll() is not None or _job(eng, iid, "housing_fund.withdraw").status == "incident"
            _wait(died_or_incident, 60, "the worker to die on the job, or the job to become an incident")
        finally:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=10)
        if _job(eng, iid, "housing_fund.withdraw").status == "incident":
            break
        assert worker.returncode == 137, worker.stderr.read().decode()[-2000:]

    kills = marker.read_text().split()
    assert len(kills) == max_attempts, f"the job ran {len(kills)} times; it may run {max_attempts} times"
    job = _job(eng, iid, "housing_fund.withdraw")
    assert (job.status, job.attempts, job.lease_owner) == ("incident", max_attempts, None)
    with eng.runtime.reading() as s:
        assert s.get(Instance, iid).status == "running", "the case waits for an operator's retry"
        kinds = s.scalars(sa.select(HistoryEvent.kind).where(HistoryEvent.instance_id == iid)
                          .order_by(HistoryEvent.id)).all()
    assert kinds.count("lease_expired") == max_attempts and kinds[-1] == "incident", kinds


@pytest.mark.slow
def test_a_worker_stopped_with_sigterm_finishes_its_job_and_hands_back_the_rest_of_its_batch(
        eng, database_url, roster, probe, tmp_path):
    cases = [_approved(eng, roster, probe, 21 + 2 * n, f"BK-term-{n}") for n in range(3)]
    marker = tmp_path / "seals"
    worker = _worker(database_url, marker, handlers="tests.support.slow_seal")
    try:
        _wait(marker.exists, 60, "the worker to start its first seal")
        with eng.runtime.reading() as s:
            leased = s.scalars(sa.select(Job.id).where(Job.instance_id.in_(cases), Job.status == "running")).all()
        assert len(leased) == 3, "the worker leased the whole batch"
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, worker.stderr.read().decode()[-2000:]
    assert len(marker.read_text().split()) == 1, "no new job was started after the signal"
    seals = [_job(eng, iid, "housing_fund.seal_account") for iid in cases]
    assert sorted(j.status for j in seals) == ["done", "ready", "ready"]
    assert all(j.lease_owner is None and j.lease_until is None and j.attempts == 0 for j in seals)
