"""Jobs: external service tasks, timers and outgoing messages, run by any worker under a lease.

Claiming is a compare-and-set on the rows (plus ``FOR UPDATE SKIP LOCKED`` on PostgreSQL) that leases a
small batch in one statement, so two workers never run a job at once (on PostgreSQL that statement runs alone in
autocommit: a poll that finds nothing is one round trip). A job whose worker died is claimed again when its lease
expires — each worker process looks for expired leases on its first poll and then at most every
``RETIRE_LEASE_CHECK_SECONDS`` (30 s, never longer than a lease) — and that expiry counts as an attempt (noted in the
history): a job that kills every worker running it becomes an incident after its last attempt instead of looping
for ever.
Jobs a worker leased but does not run (it stops, or its batch is cut short) are handed back at once. A handler runs outside the instance transaction and must be
idempotent for (instance, task); its result is applied in one transaction with the job marked done,
only while this worker still holds the lease. The workflow the handler was called with is reused for
that transaction when the instance's version has not moved since, and restored again when it has.
"""
from __future__ import annotations

import functools
import logging
import os
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm as so
from SpiffWorkflow import TaskState

from handlers.context import BusinessRuleViolation, HandlerContext

from ..bpmn.interpreter import ExpressionError
from ..bpmn.task_specs import continue_after, waits_after
from ..errors import Conflict, EngineError, NotFound
from ..jsonable import jsonable
from ..store.models import HistoryEvent, Instance, Job
from .service_tasks import BACKOFF_SECONDS, call_handler, message_jobs
from .core import case_update
from .mirror import HISTORY_INSERT, history_row, mirror_of

log = logging.getLogger("retire.jobs")

LEASE = timedelta(seconds=int(os.environ.get("RETIRE_JOB_LEASE_SECONDS", "300")))
CLAIM_BATCH = max(1, int(os.environ.get("RETIRE_JOB_CLAIM_BATCH", "25")))  # jobs leased per claim statement
# how often a worker process looks for leases that ran out (never less often than a lease lasts)
LEASE_CHECK = min(LEASE, timedelta(seconds=float(os.environ.get("RETIRE_LEASE_CHECK_SECONDS", "30"))))


@dataclass
class ClaimedJob:
    """A job this worker holds the lease of: the columns a run needs, as the claim returned them."""
    id: int
    instance_id: str | None
    task_id: str
    kind: str
    topic: str | None
    activity_id: str
    activity_name: str
    payload: dict
    due_at: datetime
    lease_until: datetime


class _LeaseLost(Exception):
    """Another worker holds the job now: this worker's run is undone."""


@dataclass
class _Loaded:
    """The workflow a handler was called with, and the instance version it was read at."""
    version: int
    wf: object
    pspec: object


class Jobs:
    """Leasing and running due jobs (service tasks left waiting, timers, outgoing messages); incidents."""

    def __init__(self, rt, cases):
        self._rt = rt
        self._cases = cases  # an outgoing message job delivers its message to the cases waiting for it
        self._leases_checked_at: datetime | None = None  # the last look for expired leases (runtime's clock)
        # PostgreSQL: the same pool, each statement committed on its own (on SQLite, BEGIN and COMMIT cost no round
        # trip, and switching a connection's isolation level costs a PRAGMA)
        self._autocommit_db: sa.Engine | None = (rt.db.execution_options(isolation_level="AUTOCOMMIT")
                                                 if rt.db.dialect.name == "postgresql" else None)

    def claim_due_jobs(self, limit: int = CLAIM_BATCH) -> list[ClaimedJob]:
        """Lease up to ``limit`` due jobs in one statement (after handing back the expired leases, when this
        process has not looked for them in the last ``LEASE_CHECK``).

        One compare-and-set UPDATE … RETURNING: the due condition is checked again on each row it changes,
        so two workers never get the same job; on PostgreSQL the candidates are locked with
        ``FOR UPDATE SKIP LOCKED``, so a second worker takes the next ones instead of waiting. A poll that
        finds nothing costs that one statement, on a plain connection (no ORM session).
        """
        now = self._rt.now()
        check = self._lease_check_due(now)
        if not check and self._autocommit_db is not None:
            # the claim alone, in autocommit: the statement is its own transaction (no BEGIN and COMMIT round trips)
            with self._autocommit_db.connect() as conn:
                return self._claim(conn, limit, now)
        with self._rt.db.begin() as conn:
            if check:
                self._expire_leases(conn, now)
            jobs = self._claim(conn, limit, now)
        if check:
            self._leases_checked_at = now
        return jobs

    def _lease_check_due(self, now: datetime) -> bool:
        """Whether to look for expired leases now: a lease lasts minutes, so once per ``LEASE_CHECK`` (on the
        runtime's clock) hands back a dead worker's job soon enough; the first poll of a process always looks,
        and so does a poll whose clock went back."""
        last = self._leases_checked_at
        return last is None or now < last or now >= last + LEASE_CHECK

    def _expire_leases(self, conn, now: datetime) -> None:
        """Jobs whose lease ran out (their worker died or hung): the lost run counts as an attempt; they are
        due again at once, or an incident after their last attempt. Each is noted in its case's history."""
        rows = conn.execute(_expire_statement(self._rt.db.dialect.name == "postgresql"), {"now": now}).all()
        history = []
        for r in rows:
            log.warning("job %s: lease expired (attempt %d of %d)%s", r.id, r.attempts, r.max_attempts,
                        ", now an incident" if r.status == "incident" else "")
            if not r.instance_id:
                continue
            details = {"job_id": r.id, "attempt": r.attempts, "max_attempts": r.max_attempts, "error": r.last_error}
            history.append(history_row(r.instance_id, now, "lease_expired", r.activity_id, r.activity_name,
                                       f"worker:{self._rt.worker_id}", details))
            if r.status == "incident":
                history.append(history_row(r.instance_id, now, "incident", r.activity_id, r.activity_name, None,
                                           {"job_id": r.id, "error": r.last_error}))
        if history:
            conn.execute(HISTORY_INSERT, history)

    def _claim(self, conn, limit: int, now: datetime | None = None) -> list[ClaimedJob]:
        """Lease up to ``limit`` due jobs on ``conn`` (a connection; a session flushes first, so the jobs its
        transaction created are candidates too)."""
        now = now or self._rt.now()
        lease_until = now + LEASE
        rows = conn.execute(_claim_statement(self._rt.db.dialect.name == "postgresql"),
                            {"now": now, "owner": self._rt.worker_id, "until": lease_until, "batch": limit}).all()
        jobs = [ClaimedJob(*r[:7], dict(r.payload or {}), r.due_at, lease_until) for r in rows]
        return sorted(jobs, key=lambda j: (j.due_at, j.id))

    def _claim_next(self, session, limit: int) -> list[ClaimedJob]:
        session.flush()  # jobs this transaction created are candidates too
        return self._claim(session.connection(), limit)

    def run_due_jobs(self, limit: int = 50, *, max_rounds: int = 20, stop=None) -> int:
        """Run every job due now (and the ones their completion makes due) → how many ran.

        Jobs are leased in batches; the next batch is leased in the transaction that finishes the last job
        of the current one (one commit fewer per batch), or on its own. At most ``limit × max_rounds`` run.
        ``stop`` (a threading.Event) ends the loop after the running job. Whatever was leased and not run
        (the loop stops, reaches its bound or fails) is handed back at once for any worker to take.
        """
        ran, queue, batch = 0, [], min(limit, CLAIM_BATCH)
        nothing_due = False  # the last finish leased the next batch and found none
        try:
            while ran < limit * max_rounds and not (stop is not None and stop.is_set()):
                if not queue:
                    queue = [] if nothing_due else self.claim_due_jobs(batch)
                    if not queue:
                        break
                job = queue.pop(0)
                if self._rt.now() > job.lease_until - LEASE / 2:
                    # the batch took long: start nothing on a lease that may end mid-run; hand the rest back
                    self._release([job.id] + [j.id for j in queue])
                    queue = []
                    continue
                timers = self._same_batch_timers(job, queue)
                if len(timers) > 1:
                    fired, leased = self._fire_timers(timers, claim_next=0 if queue else batch)
                    if fired:
                        nothing_due = leased == []
                        queue.extend(leased or [])
                        ran += len(timers)
                        continue
                    queue[:0] = timers[1:]  # a case of the batch failed or moved: one by one, as always
                leased = self.run_job(job, claim_next=0 if queue else batch)
                nothing_due = leased == []
                queue.extend(leased or [])
                ran += 1
        finally:
            if queue:
                self._release([j.id for j in queue])
        return ran

    def _same_batch_timers(self, job: ClaimedJob, queue: list[ClaimedJob]) -> list[ClaimedJob]:
        """``job`` and, when it is a timer on PostgreSQL, the other leased timers of other cases (taken out of
        ``queue``): they fire in one transaction. On SQLite a transaction's first write locks the database, and
        a step may call handlers that write, so each case keeps its own transaction there."""
        if job.kind != "timer" or self._rt.writes_lock_database:
            return [job]
        timers, seen = [job], {job.instance_id}
        for other in list(queue):
            if other.kind == "timer" and other.instance_id not in seen:
                timers.append(other)
                seen.add(other.instance_id)
                queue.remove(other)
        return timers

    def _fire_timers(self, jobs: list[ClaimedJob], *, claim_next: int = 0) -> tuple[bool, list[ClaimedJob] | None]:
        """Fire leased timer jobs of different cases in one transaction: one UPDATE marks done those whose lease
        this worker still holds, one SELECT reads their cases, each case is restored, stepped and saved, and the
        history rows and the cases' UPDATEs are one executemany each. → (fired, the next batch leased, as
        run_job); fired False: nothing was written (a case failed, or changed meanwhile) and the caller runs the
        jobs one by one, each with its own failure handling."""
        actor = f"worker:{self._rt.worker_id}"
        try:
            with self._rt.transaction() as session, session.no_autoflush:
                now = self._rt.now()
                mine = set(session.connection().execute(_finish_many_statement(), {
                    "ids": [j.id for j in jobs], "owner": self._rt.worker_id, "now": now}).scalars())
                ours = [j for j in jobs if j.id in mine]
                rows = {r.id: r for r in session.scalars(sa.select(Instance).where(
                    Instance.id.in_([j.instance_id for j in ours])))}
                history: list[dict] = []
                saved = []
                for job in ours:
                    row = rows.get(job.instance_id)
                    if row is None:
                        continue
                    row, wf, pspec, se = self._rt.load(session, row.id, row=row)
                    stored = mirror_of(wf, pspec).without_job(job.task_id, job.kind)
                    step = self._rt.step(session, row, wf, se, actor)
                    history.append(history_row(row.id, now, "timer_fired", job.activity_id, job.activity_name, actor))
                    self._rt.save(session, row, wf, pspec, se, actor, stored=stored, step=step, history=history)
                    saved.append(row)
                if history:
                    session.execute(HISTORY_INSERT, history)
                _write_cases(session, saved)
                session.flush()  # rows the steps added through the session (outgoing message jobs)
                return True, (self._claim_next(session, claim_next) if claim_next else None)
        except Exception as exc:  # noqa: BLE001 - each job is run again on its own, with its own failure handling
            log.info("%d timers could not fire together (%s); firing them one by one", len(jobs), _one_line(exc))
            return False, None

    def _release(self, job_ids: list[int]) -> None:
        """Hand back jobs this worker leased and will not run: due again at once, no attempt counted."""
        try:
            with self._rt.transaction() as session:
                session.execute(sa.update(Job).where(Job.id.in_(job_ids), Job.status == "running",
                                                     Job.lease_owner == self._rt.worker_id)
                                .values(status="ready", lease_owner=None, lease_until=None, updated_at=self._rt.now())
                                .execution_options(synchronize_session=False))
        except sa.exc.SQLAlchemyError as exc:  # the database is gone: the leases expire instead
            log.warning("could not hand back %d leased job(s): %s", len(job_ids), _one_line(exc))

    def run_job(self, job: ClaimedJob, *, claim_next: int = 0) -> list[ClaimedJob] | None:
        """Run one leased job → the jobs leased in the transaction that finished it (up to ``claim_next``),
        or None when that transaction leased none (claim_next 0, a failure, a message, a lost lease)."""
        kind, task_id, topic, payload = job.kind, job.task_id, job.topic, job.payload
        try:
            if kind == "service":
                result, messages, loaded = self._call_handler(job)
                return self._finish(job, lambda s, row, wf: _complete_external(wf, task_id, result), messages,
                                    loaded, claim_next=claim_next)
            elif kind == "timer":
                return self._finish(job, lambda s, row, wf: None, [], claim_next=claim_next)
            elif kind == "continuation":  # camunda:asyncAfter: take the outgoing flows of the completed task
                return self._finish(job, lambda s, row, wf: _continue_after(wf, task_id), [], claim_next=claim_next)
            elif kind == "message":
                self._cases.deliver_message(payload["name"], payload["business_key"], payload.get("payload"),
                                     locality=payload.get("locality"), actor=f"job:{job.id}")
                self._mark_done(job.id)
        except BusinessRuleViolation as exc:
            self._fail(job.id, f"{exc.code}: {exc}", final=True)
        except ExpressionError as exc:  # the diagram's expression cannot run on this case: retrying cannot help
            self._fail(job.id, f"{type(exc).__name__}: {exc}", final=True)
        except Conflict as exc:
            self._fail(job.id, str(exc), final=False, delay=timedelta(seconds=1), count=False)
        except Exception as exc:  # every failure is retried, then becomes an incident
            log.warning("job %s (%s %s) failed: %s", job.id, kind, topic, exc)
            self._fail(job.id, f"{type(exc).__name__}: {exc}", trace=traceback.format_exc())
        return None

    def _call_handler(self, job: ClaimedJob):
        with self._rt.reading() as session:
            row, wf, pspec, se = self._rt.load(session, job.instance_id)
            task = wf.get_task_from_id(uuid.UUID(job.task_id))
            if task is None or task.state != TaskState.STARTED:
                raise Conflict("the service task is no longer waiting")
            result, messages = call_handler(self._rt, session, row, task, se, job.topic)
            # the handler saw copies only, so wf is still exactly the state stored at row.version
            return result, messages, _Loaded(row.version, wf, pspec)

    def _finish(self, job: ClaimedJob, apply, messages, loaded: _Loaded | None = None, *,
                claim_next: int = 0) -> list[ClaimedJob] | None:
        for attempt in range(5):
            try:
                with self._rt.transaction() as session:
                    # still ours? (another worker may have taken over after our lease expired, or the case closed the
                    # job meanwhile) - and done; on SQLite the read of the case says whether the lease holds, and the
                    # compare-and-set comes after the step (below): a lease lost in between undoes the step
                    if not self._rt.writes_lock_database and not self._mark_finished(session, job):
                        return None
                    found = self._load_for_finish(session, job, loaded)
                    if found is None:
                        raise _LeaseLost()  # nothing written: rolled back, not committed
                    row, wf, pspec, se = found
                    loaded = None  # a retry after a conflict reads the instance again
                    stored = mirror_of(wf, pspec).without_job(job.task_id, job.kind)  # it is marked done here
                    apply(session, row, wf)
                    step = self._rt.step(session, row, wf, se, f"worker:{self._rt.worker_id}")
                    if self._rt.writes_lock_database and not self._mark_finished(session, job):
                        raise _LeaseLost()  # on SQLite the check-and-set comes after the handlers: undo the step
                    now = self._rt.now()
                    actor = f"worker:{self._rt.worker_id}"
                    history = [history_row(row.id, now, "timer_fired" if job.kind == "timer" else "job_completed",
                                           job.activity_id, job.activity_name, actor,
                                           {"topic": job.topic} if job.topic else {})]
                    session.add_all(message_jobs(self._rt, row, messages, job.activity_id, job.activity_name, now))
                    self._rt.save(session, row, wf, pspec, se, actor, stored=stored, step=step, history=history)
                    session.execute(HISTORY_INSERT, history)  # the job's row first, then the step's
                    return self._claim_next(session, claim_next) if claim_next else None
            except _LeaseLost:
                return None
            except Conflict:
                if not self._holds_lease(job):
                    return None  # another worker took the job over: its run finishes it, not this one
                if attempt == 4:
                    raise

    def _holds_lease(self, job: ClaimedJob) -> bool:
        with self._rt.db.connect() as conn:
            return conn.scalar(sa.select(Job.id).where(Job.id == job.id, Job.status == "running",
                                                       Job.lease_owner == self._rt.worker_id)) is not None

    def _mark_finished(self, session, job: ClaimedJob) -> bool:
        """The job is done, if this worker still holds its lease → whether it did."""
        taken = session.connection().execute(
            _finish_statement(), {"b_id": job.id, "owner": self._rt.worker_id, "now": self._rt.now()})
        return taken.rowcount == 1

    def _load_for_finish(self, session, job: ClaimedJob, loaded: _Loaded | None):
        """The instance in this transaction; the handler's workflow when the row is still at its version. On SQLite
        the same statement reads whether this worker still holds the job's lease: None when it does not."""
        held = self._rt.writes_lock_database
        found = session.execute(_case_statement(loaded is not None, held),
                                {"iid": job.instance_id, "job_id": job.id, "owner": self._rt.worker_id}).one_or_none()
        if held and found is not None and not found.held:
            return None
        row = found[0] if found is not None else None
        if loaded is None or row is None or row.version != loaded.version:
            return self._rt.load(session, job.instance_id, row=row)
        # the version column changes with every write of the state, so the stored state is the one the
        # handler's workflow was restored from: reuse it instead of restoring it again
        se = self._rt.script_engine(session, row)
        loaded.wf.script_engine = se
        return row, loaded.wf, loaded.pspec, se

    def _mark_done(self, job_id: int) -> None:
        with self._rt.transaction() as session:
            job = session.get(Job, job_id)
            now = self._rt.now()
            job.status, job.completed_at, job.updated_at, job.lease_owner, job.lease_until = "done", now, now, None, None

    def _fail(self, job_id: int, error: str, *, final: bool = False, trace: str = "", delay=None,
              count: bool = True) -> None:
        with self._rt.transaction() as session:
            job = session.get(Job, job_id)
            if job is None or job.status != "running":
                return
            now = self._rt.now()
            if count:
                job.attempts += 1
            job.last_error = (error + ("\n" + trace if trace else ""))[:4000]
            job.lease_owner = job.lease_until = None
            job.updated_at = now
            if final or job.attempts >= job.max_attempts:
                job.status = "incident"
                if job.instance_id:
                    session.add(HistoryEvent(instance_id=job.instance_id, at=now, kind="incident",
                                             activity_id=job.activity_id, activity_name=job.activity_name,
                                             details={"job_id": job.id, "error": error[:500]}))
            else:
                job.status = "ready"
                step = BACKOFF_SECONDS[min(job.attempts - 1, len(BACKOFF_SECONDS) - 1)] if count else 0
                job.due_at = now + (delay or timedelta(seconds=step))

    def retry_incident(self, job_id: int, actor: str) -> None:
        """An operator's retry: the job runs again at once with a fresh set of attempts."""
        with self._rt.transaction() as session:
            job = session.get(Job, job_id)
            if job is None or job.status != "incident":
                raise NotFound(f"no open incident {job_id}", field="id")
            now = self._rt.now()
            job.status, job.attempts, job.due_at, job.updated_at = "ready", 0, now - timedelta(microseconds=1), now
            if job.instance_id:
                session.add(HistoryEvent(instance_id=job.instance_id, at=now, kind="incident_retried",
                                         activity_id=job.activity_id, activity_name=job.activity_name, actor=actor,
                                         details={"job_id": job.id}))


@functools.cache
def _claim_statement(postgresql: bool):
    """The claim: built once per dialect (building it is most of its cost on SQLite), run with parameters; a Core
    statement on the table, so a poll runs it on a plain connection."""
    j = Job.__table__.c
    now = sa.bindparam("now", type_=j.due_at.type)
    due = sa.and_(j.status == "ready", j.due_at < now)
    picked = _picked(sa.select(j.id).where(due).order_by(j.due_at, j.id).limit(sa.bindparam("batch")), "picked",
                     postgresql)
    return (Job.__table__.update().where(j.id.in_(sa.select(picked.c.id)), due)
            .values(status="running", lease_owner=sa.bindparam("owner"), lease_until=sa.bindparam("until"),
                    updated_at=now)
            .returning(j.id, j.instance_id, j.task_id, j.kind, j.topic, j.activity_id, j.activity_name, j.payload,
                       j.due_at))


def _picked(candidates, name: str, postgresql: bool):
    """The ids ``candidates`` selects, as a CTE the UPDATE takes them from; on PostgreSQL locked in their order,
    skipping rows another worker holds (no deadlock, no waiting), and materialized so the lock is taken once."""
    if postgresql:
        candidates = candidates.with_for_update(skip_locked=True)
    picked = candidates.cte(name)
    if postgresql:
        picked = picked.prefix_with("MATERIALIZED", dialect="postgresql")
    return picked


@functools.cache
def _case_statement(without_state: bool, with_lease: bool):
    """The case a finishing job moves (its state left out when the handler's workflow may be reused), and whether
    the job's lease is still ``owner``'s (on SQLite, where the compare-and-set comes after the step)."""
    query = sa.select(Instance).where(Instance.id == sa.bindparam("iid"))
    if without_state:
        query = query.options(so.defer(Instance.state))
    if with_lease:
        query = query.add_columns(sa.exists().where(Job.id == sa.bindparam("job_id"), Job.status == "running",
                                                    Job.lease_owner == sa.bindparam("owner")).label("held"))
    return query


def _finished(where):
    """Jobs ``where`` selects, still leased by this worker (``owner``), marked done at ``now``."""
    j = Job.__table__.c
    now = sa.bindparam("now", type_=j.updated_at.type)
    return (Job.__table__.update().where(where, j.status == "running", j.lease_owner == sa.bindparam("owner"))
            .values(status="done", completed_at=now, updated_at=now, lease_owner=None, lease_until=None))


@functools.cache
def _finish_statement():
    return _finished(Job.__table__.c.id == sa.bindparam("b_id"))


@functools.cache
def _finish_many_statement():
    return _finished(Job.__table__.c.id.in_(sa.bindparam("ids", expanding=True))).returning(Job.__table__.c.id)


@functools.cache
def _expire_statement(postgresql: bool):
    """Expired leases → an attempt more; ready again (due as before), or an incident after the last attempt.
    The SET clauses read the row as it was, so the message names the worker that lost the job."""
    j = Job.__table__.c
    now = sa.bindparam("now", type_=j.due_at.type)
    expired = sa.and_(j.status == "running", j.lease_until < now)
    picked = _picked(sa.select(j.id).where(expired).order_by(j.id), "expired", postgresql)
    message = sa.literal("租约到期，作业未完成：执行它的工作进程已停止或超时 (lease of worker ") \
        + sa.func.coalesce(j.lease_owner, "?") + sa.literal(" expired before the job finished)")
    return (Job.__table__.update().where(j.id.in_(sa.select(picked.c.id)), expired)
            .values(attempts=j.attempts + 1,
                    status=sa.case((j.attempts + 1 >= j.max_attempts, "incident"), else_="ready"),
                    lease_owner=None, lease_until=None, updated_at=now, last_error=message)
            .returning(j.id, j.instance_id, j.status, j.attempts, j.max_attempts, j.activity_id, j.activity_name,
                       j.last_error))


_CASE_COLUMNS = ("state", "waiting_in", "status", "ended_at", "updated_at", "person_key")


def _write_cases(session, rows: list[Instance]) -> None:
    """The cases of a batch in one executemany, each compare-and-set on its version (as the ORM's own UPDATE);
    the rows leave the session, so it writes them no second time. A case changed meanwhile: Conflict."""
    if not rows:
        return
    values = [{"b_id": r.id, "b_version": r.version, **{c: getattr(r, c) for c in _CASE_COLUMNS}} for r in rows]
    for r in rows:
        session.expunge(r)
    if session.execute(case_update(_CASE_COLUMNS), values).rowcount != len(values):
        raise Conflict("a case of the batch was changed by someone else at the same time")


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _continue_after(wf, task_id: str) -> None:
    """Take the flows, unless the task no longer waits (its scope was interrupted or the case moved on while the
    job was leased): then the job ends without effect, never resurrecting the old path."""
    task = wf.get_task_from_id(uuid.UUID(task_id))
    if task is not None and waits_after(task):
        continue_after(task)


def _complete_external(wf, task_id: str, result: dict) -> None:
    task = wf.get_task_from_id(uuid.UUID(task_id))
    if task is None or task.state != TaskState.STARTED:
        raise Conflict("the service task is no longer waiting")
    task.data.update(result)
    task.complete()
