"""Two workers, each draining with several threads, run every due job exactly once; a round that found work
polls again at once, so a backlog does not wait for the next interval."""
from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from api.worker import Poller
from engine.store.models import Job
from tests.conftest import ROOT


def _ready_jobs(eng, n: int) -> set[int]:
    now = eng.runtime.now()
    with eng.runtime.transaction() as s:
        jobs = [Job(instance_id=None, task_id=str(uuid.uuid4()), kind="message", topic="probe", activity_id="probe",
                    activity_name="probe", locality="340722", locality_path="/000000/340000/340700/340722/",
                    due_at=now - timedelta(seconds=1 + i % 5), status="ready", max_attempts=3,
                    payload={"name": "probe", "business_key": f"BK-{i}"}, created_at=now, updated_at=now)
                for i in range(n)]
        s.add_all(jobs)
        s.flush()
        return {j.id for j in jobs}


def test_two_workers_with_threads_run_each_of_many_due_jobs_once(eng, database_url, clock):
    from engine.bootstrap import bootstrap

    other = bootstrap(database_url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                      worker_id="other-worker")
    runs, lock = Counter(), threading.Lock()
    try:
        ids = _ready_jobs(eng, 300)

        def deliver(worker):
            def _deliver(name, business_key, payload, *, locality=None, actor=None):
                with lock:
                    runs[(worker, actor)] += 1
            return _deliver

        for e in (eng, other):
            e._cases.deliver_message = deliver(e.runtime.worker_id)  # the message jobs deliver through it
        pollers = [Poller(e, threads=3) for e in (eng, other)]
        barrier = threading.Barrier(2)

        def work(poller):
            barrier.wait()
            poller.tick()

        threads = [threading.Thread(target=work, args=(p,)) for p in pollers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        per_job = Counter(actor for (_w, actor) in runs.elements())
        assert set(per_job) == {f"job:{i}" for i in ids}, "every job ran"
        assert set(per_job.values()) == {1}, "no job ran twice"
        with eng.runtime.reading() as s:
            assert set(s.scalars(sa.select(Job.status).where(Job.id.in_(ids)))) == {"done"}
    finally:
        other.runtime.db.dispose()
