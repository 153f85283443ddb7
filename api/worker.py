"""The worker process: APScheduler polls due jobs, fires timer start events and beats its heartbeat.

Inside a worker several threads drain due jobs at once (RETIRE_WORKER_THREADS; on PostgreSQL each leases its own
batch with FOR UPDATE SKIP LOCKED, so they never wait on each other); a round that found work polls again at once
instead of waiting for the next interval, so a backlog drains at full speed and a timer fires within about one
poll interval of its due time. Once a day (RETIRE_HISTORY_CLEANUP_HOURS) it removes the history of cases that
ended longer ago than their locality's ``history.retention_days``.

A database outage does not stop it: a round that cannot reach the database logs one line and the worker
waits (2 s, 4 s, … up to a minute) before the next try, then carries on by itself. On SIGTERM / SIGINT it
finishes the job it is running, hands back the rest of its batch and exits.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.retention import cleanup_history
from engine.store.models import WorkerHeartbeat

log = logging.getLogger("retire.worker")

MAX_BACKOFF_SECONDS = 60.0


def heartbeat(engine) -> None:
    now = engine.runtime.now()
    with engine.runtime.transaction() as session:
        row = session.get(WorkerHeartbeat, engine.runtime.worker_id)
        if row is None:
            row = WorkerHeartbeat(worker_id=engine.runtime.worker_id, pid=os.getpid(), host=socket.gethostname(),
                                  started_at=now, beat_at=now)
            session.add(row)
        row.beat_at = now


def is_connection_error(exc: BaseException) -> bool:
    """The database cannot be reached (refused, dropped, restarting), as opposed to a bug in a round."""
    return isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)) or (
        isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated)


def _one_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


class Poller:
    """One worker's polling rounds, with the back-off after a database outage.

    ``monotonic`` is injectable so a test can move past a back-off without waiting for it.
    """

    def __init__(self, engine, *, stop: threading.Event | None = None, monotonic=time.monotonic,
                 threads: int | None = None):
        self.engine = engine
        self.threads = max(1, threads or default_threads(engine))
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="jobs") if self.threads > 1 else None
        self.stop = stop or threading.Event()
        self.monotonic = monotonic
        self.lock = threading.Lock()
        self.failures = 0          # rounds in a row that could not reach the database
        self.resume_at = 0.0       # monotonic time before which rounds are skipped

    def tick(self) -> int | None:
        """One polling round: timer start events, then every due job → jobs run, None when skipped."""
        if self.stop.is_set() or not self.lock.acquire(blocking=False):
            return None  # stopping, or the previous round is still running
        try:
            if self.monotonic() < self.resume_at:
                return None
            started = self.engine.fire_timer_starts()
            ran = last = self.drain()
            while last and not self.stop.is_set():  # work remained: go on at once rather than after the interval
                last = self.drain()
                ran += last
            if self.failures:
                log.info("database reachable again after %d failed round(s); polling resumes", self.failures)
            self.failures, self.resume_at = 0, 0.0
            if started or ran:
                log.info("started %d case(s) from timers, ran %d job(s)", len(started), ran)
            return ran
        except sa.exc.SQLAlchemyError as exc:
            if not is_connection_error(exc):
                log.exception("worker round failed")
                return None
            self.failures += 1
            wait = min(MAX_BACKOFF_SECONDS, 2.0 ** self.failures)
            self.resume_at = self.monotonic() + wait
            log.warning("database unreachable (%s); next try in %.0fs", _one_line(exc), wait)
            return None
        except Exception:  # the scheduler must keep polling; the failure is logged with its trace
            log.exception("worker round failed")
            return None
        finally:
            self.lock.release()

    def drain(self) -> int:
        """Run due jobs in this worker's threads (each leases its own batches) → how many ran."""
        if self.pool is None:
            return self.engine.run_due_jobs(stop=self.stop)
        runs = [self.pool.submit(self.engine.run_due_jobs, stop=self.stop) for _ in range(self.threads)]
        return sum(r.result() for r in runs)

    def cleanup(self) -> None:
        """The daily history cleanup; a failure is logged and tried again the next day."""
        try:
            removed = cleanup_history(self.engine.runtime)
            if removed:
                log.info("history cleanup removed %d event(s) of long-finished cases", removed)
        except Exception:
            log.exception("history cleanup failed")

    def beat(self) -> None:
        try:
            heartbeat(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            if not is_connection_error(exc):
                raise
            if not self.failures:  # the polling round says it once per outage
                log.debug("heartbeat failed: %s", _one_line(exc))


def default_threads(engine) -> int:
    """RETIRE_WORKER_THREADS, else 4 on PostgreSQL and 1 on SQLite (one writer at a time there anyway)."""
    configured = os.environ.get("RETIRE_WORKER_THREADS")
    if configured:
        return int(configured)
    return 4 if engine.runtime.db.dialect.name == "postgresql" else 1


def tick(engine, lock: threading.Lock) -> None:
    """One polling round without back-off state (kept for callers of the earlier API)."""
    poller = Poller(engine, threads=1)
    poller.lock = lock
    poller.tick()


def run_worker(engine, poll_seconds: float = 0.5, *, threads: int | None = None,
               cleanup_hours: float = 24.0) -> None:
    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
    poller = Poller(engine, threads=threads)
    scheduler.add_job(poller.tick, "interval", seconds=poll_seconds, max_instances=1, coalesce=True, id="tick")
    if cleanup_hours > 0:
        scheduler.add_job(poller.cleanup, "interval", hours=cleanup_hours, max_instances=1, coalesce=True,
                          id="history_cleanup")
    scheduler.add_job(poller.beat, "interval", seconds=10, max_instances=1, coalesce=True, id="heartbeat")

    def stop(signum, _frame):
        log.info("worker %s stopping (signal %d): finishing the running job, handing back the rest",
                 engine.runtime.worker_id, signum)
        poller.stop.set()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    poller.beat()
    log.info("worker %s polling every %.1fs with %d thread(s)", engine.runtime.worker_id, poll_seconds, poller.threads)
    scheduler.start()
    with poller.lock:  # the round in progress ends after its running job and hands back the rest
        log.info("worker %s stopped", engine.runtime.worker_id)
