"""Jobs: external service tasks, timers and outgoing messages, run by any worker under a lease.

Claiming is a compare-and-set on the row (plus ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two
workers never run a job at once; a job whose worker died is claimed again when its lease expires.
A handler runs outside the instance transaction and must be idempotent for (instance, task); its
result is applied in one transaction with the job marked done.
"""
from __future__ import annotations

import logging
import os
import traceback
import uuid
from datetime import timedelta

import sqlalchemy as sa
from SpiffWorkflow import TaskState

from handlers.context import BusinessRuleViolation, HandlerContext

from .errors import Conflict, EngineError, NotFound
from .jsonable import jsonable
from .store.models import HistoryEvent, Job

log = logging.getLogger("retire.jobs")

LEASE = timedelta(seconds=int(os.environ.get("RETIRE_JOB_LEASE_SECONDS", "300")))
BACKOFF_SECONDS = (30, 120, 600, 1800)


class JobOps:
    def due_job_ids(self, limit: int = 50) -> list[int]:
        now = self.now()
        with self.transaction() as session:
            q = (sa.select(Job.id).where(
                sa.or_(sa.and_(Job.status == "ready", Job.due_at < now),
                       sa.and_(Job.status == "running", Job.lease_until < now)))
                 .order_by(Job.due_at).limit(limit))
            if self.db.dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            return list(session.scalars(q))

    def claim_job(self, job_id: int) -> bool:
        now = self.now()
        with self.transaction() as session:
            result = session.execute(
                sa.update(Job).where(Job.id == job_id, sa.or_(
                    sa.and_(Job.status == "ready", Job.due_at < now),
                    sa.and_(Job.status == "running", Job.lease_until < now)))
                .values(status="running", lease_owner=self.worker_id, lease_until=now + LEASE, updated_at=now)
                .execution_options(synchronize_session=False))
            return result.rowcount == 1

    def run_due_jobs(self, limit: int = 50, *, max_rounds: int = 20) -> int:
        """Run every job due now (and the ones their completion makes due) → how many ran."""
        ran = 0
        for _ in range(max_rounds):
            ids = self.due_job_ids(limit)
            if not ids:
                break
            for job_id in ids:
                if self.claim_job(job_id):
                    self.run_job(job_id)
                    ran += 1
        return ran

    def run_job(self, job_id: int) -> None:
        with self.reading() as session:
            job = session.get(Job, job_id)
            kind, task_id, topic = job.kind, job.task_id, job.topic
            payload = dict(job.payload or {})
        try:
            if kind == "service":
                result, messages = self._call_handler(job_id)
                self._finish(job_id, lambda s, row, wf: _complete_external(wf, task_id, result), messages)
            elif kind == "timer":
                self._finish(job_id, lambda s, row, wf: None, [])
            elif kind == "message":
                self.deliver_message(payload["name"], payload["business_key"], payload.get("payload"),
                                     locality=payload.get("locality"), actor=f"job:{job_id}")
                self._mark_done(job_id)
        except BusinessRuleViolation as exc:
            self._fail(job_id, f"{exc.code}: {exc}", final=True)
        except Conflict as exc:
            self._fail(job_id, str(exc), final=False, delay=timedelta(seconds=1), count=False)
        except Exception as exc:  # every failure is retried, then becomes an incident
            log.warning("job %s (%s %s) failed: %s", job_id, kind, topic, exc)
            self._fail(job_id, f"{type(exc).__name__}: {exc}", trace=traceback.format_exc())

    def _call_handler(self, job_id: int):
        with self.reading() as session:
            job = session.get(Job, job_id)
            row, wf, _pspec, se = self.load(session, job.instance_id)
            task = wf.get_task_from_id(uuid.UUID(job.task_id))
            if task is None or task.state != TaskState.STARTED:
                raise Conflict("the service task is no longer waiting")
            ext = task.task_spec.extensions or {}
            handler = self.handlers.get(job.topic)
            if handler is None:
                raise EngineError(f"no handler is registered for topic '{job.topic}'")
            inputs = {name: _input_value(se, task.data, text) for name, text in (ext.get("inputs") or {}).items()}
            ctx = HandlerContext(
                topic=job.topic, instance_id=row.id, task_id=job.task_id, business_key=row.business_key,
                locality=row.locality, variables=jsonable(task.data), settings=self.settings(row.locality),
                now=self.now(), ports=self.ports,
                decide=lambda decision_id, values: self.decide(decision_id, row.locality, values,
                                                               seq=row.snapshot_seq, session=session),
                idempotency_key=f"{row.id}:{job.task_id}", inputs=inputs)
            result = handler(ctx) or {}
            return jsonable(result), list(ctx.outgoing_messages)

    def _finish(self, job_id: int, apply, messages) -> None:
        for attempt in range(5):
            try:
                with self.transaction() as session:
                    job = session.get(Job, job_id)
                    if job.status != "running" or job.lease_owner != self.worker_id:
                        return  # another worker took over after our lease expired
                    row, wf, pspec, se = self.load(session, job.instance_id)
                    apply(session, row, wf)
                    now = self.now()
                    job.status, job.completed_at, job.updated_at = "done", now, now
                    job.lease_owner = job.lease_until = None
                    session.add(HistoryEvent(
                        instance_id=row.id, at=now, kind="job_completed" if job.kind == "service" else "timer_fired",
                        activity_id=job.activity_id, activity_name=job.activity_name, actor=f"worker:{self.worker_id}",
                        details={"topic": job.topic} if job.topic else {}))
                    self.advance(session, row, wf, pspec, se, actor=f"worker:{self.worker_id}")
                    for m in messages:
                        session.add(Job(instance_id=None, task_id=str(uuid.uuid4()), kind="message",
                                        topic=m["name"], activity_id=job.activity_id, activity_name=job.activity_name,
                                        locality=m.get("locality") or row.locality,
                                        locality_path=self.locality_path(m.get("locality") or row.locality),
                                        due_at=now - timedelta(microseconds=1), status="ready", max_attempts=5,
                                        payload=m, created_at=now, updated_at=now))
                return
            except Conflict:
                if attempt == 4:
                    raise

    def _mark_done(self, job_id: int) -> None:
        with self.transaction() as session:
            job = session.get(Job, job_id)
            now = self.now()
            job.status, job.completed_at, job.updated_at, job.lease_owner, job.lease_until = "done", now, now, None, None

    def _fail(self, job_id: int, error: str, *, final: bool = False, trace: str = "", delay=None,
              count: bool = True) -> None:
        with self.transaction() as session:
            job = session.get(Job, job_id)
            if job is None or job.status != "running":
                return
            now = self.now()
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
        with self.transaction() as session:
            job = session.get(Job, job_id)
            if job is None or job.status != "incident":
                raise NotFound(f"no open incident {job_id}", field="id")
            now = self.now()
            job.status, job.attempts, job.due_at, job.updated_at = "ready", 0, now - timedelta(microseconds=1), now
            if job.instance_id:
                session.add(HistoryEvent(instance_id=job.instance_id, at=now, kind="incident_retried",
                                         activity_id=job.activity_id, activity_name=job.activity_name, actor=actor,
                                         details={"job_id": job.id}))


def _complete_external(wf, task_id: str, result: dict) -> None:
    task = wf.get_task_from_id(uuid.UUID(task_id))
    if task is None or task.state != TaskState.STARTED:
        raise Conflict("the service task is no longer waiting")
    task.data.update(result)
    task.complete()


def _input_value(se, data: dict, text: str):
    stripped = (text or "").strip()
    if stripped.startswith("${") and stripped.endswith("}"):
        return jsonable(se.evaluate_in(data, stripped))
    return stripped
