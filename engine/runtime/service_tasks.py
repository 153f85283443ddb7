"""Service-task handlers: called inside the transaction that reached the task, or later by a job.

A handler runs inline unless the model asks for an asynchronous boundary (``camunda:asyncBefore="true"``),
the handler is marked as calling a slow outside system (``fn.runs_as_job = True``, or every handler when
the engine's ports are remote), or no handler is registered. A failed inline call leaves the task STARTED:
the mirror makes it a job, which carries the failure (an attempt counted, back-off, or an incident), so a
clerk's completion never fails because a department's system is down. Handlers must be idempotent for
(instance, task), as they are for jobs. ``camunda:asyncAfter`` is not decided here: the task completes inline as
usual and its task spec holds the outgoing flows back for a continuation job (bpmn.task_specs.AsyncAfter).
"""
from __future__ import annotations

import logging
import traceback
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from SpiffWorkflow import TaskState
from sqlalchemy.orm import SessionTransactionOrigin

from handlers.context import BusinessRuleViolation, HandlerContext, inside_command

from ..bpmn.interpreter import ExpressionError
from ..bpmn.task_specs import ExternalServiceTask
from ..errors import Conflict, EngineError
from ..jsonable import jsonable
from ..store.models import HistoryEvent, Job

log = logging.getLogger("retire.jobs")

BACKOFF_SECONDS = (30, 120, 600, 1800)
STARTED = TaskState.STARTED


@dataclass
class Failure:
    """An inline handler call that failed: the job the mirror makes for the task starts from it."""
    error: str
    final: bool
    trace: str = ""


def call_handler(engine, session, row, task, script_engine, topic: str):
    """Call the handler of ``topic`` for the STARTED ``task`` → (jsonable result, outgoing messages)."""
    handler = engine.handlers.get(topic)
    if handler is None:
        raise EngineError(f"no handler is registered for topic '{topic}'")
    ext = task.task_spec.extensions or {}
    inputs = {name: _input_value(script_engine, task.data, name, text)
              for name, text in (ext.get("inputs") or {}).items()}
    ctx = HandlerContext(
        topic=topic, instance_id=row.id, task_id=str(task.id), business_key=row.business_key,
        locality=row.locality, variables=jsonable(task.data),
        settings=engine.localities.settings(row.locality, read_only=True), now=engine.now(), ports=engine.ports,
        decide=lambda decision_id, values: engine.decisions.decide(decision_id, row.locality, values,
                                                                   seq=row.snapshot_seq, session=session),
        idempotency_key=f"{row.id}:{task.id}", inputs=inputs)
    with _in_the_command(session):
        result = handler(ctx) or {}
    return jsonable(result), list(ctx.outgoing_messages)


def _in_the_command(session):
    """Inside a command's transaction (``Runtime.transaction``: begun with ``Session.begin()``, committed at the end
    of the command) the handler's ledger writes go through the command's connection and commit or roll back with
    the case. A job's handler is called with a reading session (autobegun, never committed): its ports use their
    own transactions."""
    transaction = session.get_transaction()
    if transaction is None or transaction.origin is not SessionTransactionOrigin.BEGIN:
        return nullcontext()
    return inside_command(session.connection())


def runs_inline(engine, task) -> bool:
    if not engine.inline_service_tasks:
        return False
    ext = task.task_spec.extensions or {}
    if str(ext.get("asyncBefore", "")).lower() == "true":
        return False
    handler = engine.handlers.get(ext.get("topic"))
    return handler is not None and not getattr(handler, "runs_as_job", False)


def started_service_tasks(wf) -> list[str]:
    """Ids of the service tasks waiting on a handler now (each has a job)."""
    from .mirror import all_tasks

    return [str(t.id) for t in _started_service_tasks(all_tasks(wf))]


def _started_service_tasks(tasks) -> list:
    return [t for t in tasks if t._state == STARTED and isinstance(t.task_spec, ExternalServiceTask)]


@dataclass
class Step:
    """What running a case to its next wait produced besides the workflow: the failed inline calls
    ({task id: Failure}) and the rows to write with the case (history, outgoing message jobs), in order."""
    failures: dict
    records: list


def run_ready_service_tasks(engine, session, row, wf, script_engine, step: Step, actor) -> bool:
    """Call the handler of every STARTED service task that runs inline → whether any task completed."""
    from .mirror import all_tasks

    ran = False
    for task in _started_service_tasks(all_tasks(wf)):
        key = str(task.id)
        if key in step.failures or not runs_inline(engine, task):
            continue
        topic = task.task_spec.extensions.get("topic")
        try:
            result, messages = call_handler(engine, session, row, task, script_engine, topic)
        except (BusinessRuleViolation,) as exc:
            step.failures[key] = Failure(f"{exc.code}: {exc}", final=True)
            continue
        except ExpressionError as exc:
            step.failures[key] = Failure(f"{type(exc).__name__}: {exc}", final=True)
            continue
        except Exception as exc:  # a department's system is down: the task becomes a job that retries
            log.warning("service task %s (%s) of %s failed inline: %s", task.task_spec.bpmn_id, topic, row.id, exc)
            step.failures[key] = Failure(f"{type(exc).__name__}: {exc}", final=False, trace=traceback.format_exc())
            continue
        task.data.update(result)
        task.complete()
        ran = True
        now = engine.now()
        step.records.append(HistoryEvent(
            instance_id=row.id, at=now, kind="job_completed", activity_id=task.task_spec.bpmn_id,
            activity_name=task.task_spec.bpmn_name or task.task_spec.bpmn_id, actor=actor, details={"topic": topic}))
        step.records.extend(message_jobs(engine, row, messages, task.task_spec.bpmn_id,
                                         task.task_spec.bpmn_name or task.task_spec.bpmn_id, now))
    return ran


def message_jobs(engine, row, messages, activity_id, activity_name, now) -> list[Job]:
    """Outgoing messages a handler asked for: each is a job, delivered after this transaction commits."""
    out = []
    for m in messages:
        locality = m.get("locality") or row.locality
        out.append(Job(instance_id=None, task_id=str(uuid.uuid4()), kind="message", topic=m["name"],
                        activity_id=activity_id, activity_name=activity_name, locality=locality,
                        locality_path=engine.localities.path(locality), due_at=now - timedelta(microseconds=1),
                        status="ready", max_attempts=5, payload=m, created_at=now, updated_at=now))
    return out


def apply_failure(job: dict, failure: Failure, now) -> None:
    """A new job row (its column values) for a task whose inline call failed: the failed call was its first
    attempt; back-off, or an incident (see ``incident_event``)."""
    job["attempts"] = 1
    job["last_error"] = (failure.error + ("\n" + failure.trace if failure.trace else ""))[:4000]
    if failure.final or job["attempts"] >= job["max_attempts"]:
        job["status"] = "incident"
    else:
        job["due_at"] = now + timedelta(seconds=BACKOFF_SECONDS[0])


def incident_event(job: dict, job_id: int, failure: Failure, now) -> dict:
    """The history row of a job that starts as an incident."""
    return {"instance_id": job["instance_id"], "at": now, "kind": "incident", "activity_id": job["activity_id"],
            "activity_name": job["activity_name"], "actor": None,
            "details": {"job_id": job_id, "error": failure.error[:500]}}


def _input_value(se, data: dict, name: str, text: str):
    stripped = (text or "").strip()
    if stripped.startswith("${") and stripped.endswith("}"):
        try:
            return jsonable(se.evaluate_in(data, stripped))
        except ExpressionError as exc:
            raise type(exc)(f"the input parameter '{name}' {stripped}: {exc}") from exc
    return stripped


__all__ = ["Failure", "Step", "call_handler", "runs_inline", "run_ready_service_tasks", "message_jobs",
           "apply_failure", "incident_event", "Conflict"]
