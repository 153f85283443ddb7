"""Leases: jobs a worker leased but will not run go back at once; a lease that runs out costs an attempt,
so a job that keeps losing its worker ends as an incident instead of being tried for ever."""
from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa

from engine.runtime.jobs import LEASE
from engine.store.models import HistoryEvent, HumanTask, Job
from tests.conftest import ROOT
from tests.support.people import person


def _approved_cases(eng, roster, probe, n: int) -> list[str]:
    ids = []
    for seq in range(n):
        p = roster(person(county="340722", born=date(1966, 10, 9), seq=80 + 2 * seq))
        iid = eng.start(probe, "340722", f"BK-lease-{seq}", {"id_number": p["id_number"], "name": p["name"],
                                                            "bank_card": p["bank_card"]}, "test")
        with eng.runtime.reading() as s:
            task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid))
        eng.complete_task(task.id, {"decision": "approve"}, "zy_hrss")
        ids.append(iid)
    return ids


def _jobs(eng, cases, topic="housing_fund.seal_account") -> list[Job]:
    with eng.runtime.reading() as s:
        return s.scalars(sa.select(Job).where(Job.instance_id.in_(cases), Job.topic == topic).order_by(Job.id)).all()


def _other(eng, database_url, clock):
    from engine.bootstrap import bootstrap

    return bootstrap(database_url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                     worker_id="other-worker")


def test_a_worker_told_to_stop_hands_back_the_rest_of_its_batch_for_another_worker_at_once(
        eng, database_url, clock, roster, probe):
    cases = _approved_cases(eng, roster, probe, 4)
    stop, ran = threading.Event(), []
    real = eng.runtime.handlers["housing_fund.seal_account"]

    def seal_then_shutdown(ctx):
        ran.append(ctx.instance_id)
        stop.set()  # the worker is asked to stop while this job runs
        return real(ctx)

    eng.runtime.handlers["housing_fund.seal_account"] = seal_then_shutdown
    assert eng.run_due_jobs(stop=stop) == 1, "the running job is finished, nothing more is started"
    jobs = _jobs(eng, cases)
    assert [j.status for j in jobs].count("done") == 1
    rest = [j for j in jobs if j.status != "done"]
    assert all((j.status, j.lease_owner, j.lease_until, j.attempts) == ("ready", None, None, 0) for j in rest), \
        [(j.status, j.lease_owner, j.lease_until, j.attempts) for j in rest]

    other = _other(eng, database_url, clock)
    try:
        taken = other.claim_due_jobs(10)  # same clock: no lease had to run out first
    finally:
        other.runtime.db.dispose()
    assert {j.id for j in rest} <= {j.id for j in taken}


def test_a_run_cut_short_by_its_bound_leaves_no_job_leased(eng, clock, roster, probe):
    cases = _approved_cases(eng, roster, probe, 3)
    assert eng.run_due_jobs(limit=1, max_rounds=1) == 1
    with eng.runtime.reading() as s:
        held = s.scalars(sa.select(Job).where(Job.instance_id.in_(cases), Job.status == "running")).all()
    assert held == [], [(j.id, j.topic, j.lease_owner) for j in held]
    assert eng.run_due_jobs() >= 1, "the next round runs the rest without waiting for a lease to run out"


def test_each_expired_lease_counts_as_an_attempt_and_the_last_one_makes_an_incident(eng, clock, roster, probe):
    [case] = _approved_cases(eng, roster, probe, 1)
    [job] = _jobs(eng, [case])
    seen = []
    for kill in range(job.max_attempts):
        claimed = [j.id for j in eng.claim_due_jobs(10)]
        assert job.id in claimed, f"claim {kill + 1} took the job"
        seen.append(_jobs(eng, [case])[0].attempts)
        clock.advance(seconds=LEASE.total_seconds() + 1)  # the worker that leased it died: its lease runs out
    assert seen == list(range(job.max_attempts)), "every lost run was counted"
    assert job.id not in [j.id for j in eng.claim_due_jobs(10)]
    [after] = _jobs(eng, [case])
    assert after.status == "incident" and after.attempts == after.max_attempts
    assert after.lease_owner is None and "test-worker" in after.last_error and "租约" in after.last_error
    with eng.runtime.reading() as s:
        kinds = s.scalars(sa.select(HistoryEvent.kind).where(HistoryEvent.instance_id == case)
                          .order_by(HistoryEvent.id)).all()
    assert kinds.count("lease_expired") == job.max_attempts and kinds[-1] == "incident", kinds


def test_an_expired_lease_with_attempts_left_is_run_again_and_finishes_the_job(eng, clock, roster, probe):
    [case] = _approved_cases(eng, roster, probe, 1)
    [job] = _jobs(eng, [case])
    assert job.id in [j.id for j in eng.claim_due_jobs(10)]
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert eng.run_due_jobs() >= 1
    [after] = _jobs(eng, [case])
    assert (after.status, after.attempts) == ("done", 1)
