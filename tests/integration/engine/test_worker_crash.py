"""A worker killed with SIGKILL in the middle of a job: the job runs again, nothing is lost, nothing is paid twice."""
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

from engine.store.models import HumanTask, Instance, Job
from handlers.ledger.schema import housing_fund_accounts, housing_fund_withdrawals
from tests.support.people import person

ROOT = Path(__file__).resolve().parents[3]


def _worker(database_url: str, marker: Path, *, slow: bool) -> subprocess.Popen:
    env = {**os.environ, "RETIRE_DATABASE_URL": database_url, "RETIRE_JOB_LEASE_SECONDS": "3",
           "RETIRE_TEST_MARKER": str(marker), "PYTHONPATH": str(ROOT),
           "RETIRE_PROCESSES_DIR": str(ROOT / "processes"), "RETIRE_FORMS_DIR": str(ROOT / "forms")}
    if slow:
        env["RETIRE_HANDLER_MODULES"] = "tests.support.slow_withdraw"
    else:
        env.pop("RETIRE_HANDLER_MODULES", None)
    return subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--poll", "0.2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


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
    with eng.reading() as s:
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
    with eng.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == "housing_fund.withdraw"))
        assert job.status == "running", "the killed worker still holds the lease"
        assert s.get(Instance, iid).status == "running"

    second = _worker(database_url, marker, slow=False)
    try:
        def finished():
            with eng.reading() as s:
                return s.get(Instance, iid).status == "completed"
        _wait(finished, 60, "the restarted worker to finish the case")
    finally:
        second.terminate()
        second.wait(timeout=10)

    with eng.db.connect() as conn:
        paid = conn.execute(sa.select(housing_fund_withdrawals)).mappings().all()
        account = conn.execute(sa.select(housing_fund_accounts)).mappings().one()
    assert len(paid) == 1 and str(paid[0]["amount"]) == "8888.88", paid
    assert account["status"] == "closed" and account["balance"] == 0
    with eng.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == "housing_fund.withdraw"))
        assert job.status == "done"
