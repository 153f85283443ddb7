"""The worker process: APScheduler polls due jobs, fires timer start events and beats its heartbeat."""
from __future__ import annotations

import logging
import os
import socket
import threading

from apscheduler.schedulers.blocking import BlockingScheduler

from engine.store.models import WorkerHeartbeat

log = logging.getLogger("retire.worker")


def heartbeat(engine) -> None:
    now = engine.now()
    with engine.transaction() as session:
        row = session.get(WorkerHeartbeat, engine.worker_id)
        if row is None:
            row = WorkerHeartbeat(worker_id=engine.worker_id, pid=os.getpid(), host=socket.gethostname(),
                                  started_at=now, beat_at=now)
            session.add(row)
        row.beat_at = now


def tick(engine, lock: threading.Lock) -> None:
    """One polling round: timer start events, then every due job."""
    if not lock.acquire(blocking=False):
        return  # the previous round is still running
    try:
        started = engine.fire_timer_starts()
        ran = engine.run_due_jobs()
        if started or ran:
            log.info("started %d case(s) from timers, ran %d job(s)", len(started), ran)
    except Exception:  # the scheduler must keep polling; the failure is logged with its trace
        log.exception("worker round failed")
    finally:
        lock.release()


def run_worker(engine, poll_seconds: float = 2.0) -> None:
    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
    lock = threading.Lock()
    scheduler.add_job(tick, "interval", seconds=poll_seconds, args=[engine, lock], max_instances=1,
                      coalesce=True, id="tick")
    scheduler.add_job(heartbeat, "interval", seconds=10, args=[engine], max_instances=1, coalesce=True,
                      id="heartbeat")
    heartbeat(engine)
    log.info("worker %s polling every %.1fs", engine.worker_id, poll_seconds)
    scheduler.start()
