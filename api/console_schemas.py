"""Schemas of the operator's console: the dashboard, incidents with their trace, a case's diagram state."""
from __future__ import annotations

from marshmallow import fields, validate

from .schemas import Id, JobOut, Ordered, SeekPage


class RunningRow(Ordered):
    locality = fields.String()
    locality_name = fields.String()
    process_key = fields.String()
    running = fields.Integer()


class ConsoleOverdueRow(Ordered):
    department = fields.String()
    department_name = fields.String(metadata={"description": "the department's name from the locality settings"})
    overdue = fields.Integer()


class JobQueue(Ordered):
    due = fields.Integer(metadata={"description": "jobs ready and due now (the queue's depth)"})
    running = fields.Integer()
    oldest_due_age_seconds = fields.Float(allow_none=True,
                                          metadata={"description": "how long the oldest due job has waited"})


class WorkerOut(Ordered):
    worker_id = fields.String()
    host = fields.String()
    pid = fields.Integer()
    started_at = fields.DateTime()
    beat_at = fields.DateTime()
    age_seconds = fields.Float()
    state = fields.String(metadata={"description": "ok, or stale when it missed a few heartbeats"})


class Dashboard(Ordered):
    at = fields.DateTime()
    running = fields.List(fields.Nested(RunningRow))
    overdue_tasks = fields.List(fields.Nested(ConsoleOverdueRow))
    open_incidents = fields.Integer()
    jobs = fields.Nested(JobQueue)
    workers = fields.List(fields.Nested(WorkerOut))


class IncidentOut(JobOut):
    error = fields.String(allow_none=True, metadata={"description": "the error's first line"})
    trace_tail = fields.List(fields.String(), metadata={"description": "the stack trace's last lines"})
    business_key = fields.String(allow_none=True)
    process_key = fields.String(allow_none=True)


IncidentList = Ordered.from_dict(SeekPage(IncidentOut), name="IncidentList")


class RetryMany(Ordered):
    job_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=200))


class RetryOutcome(Ordered):
    job_id = fields.Integer()
    outcome = fields.String(metadata={"description": "retried, or not_open when it is no longer an incident"})
    message = fields.String(allow_none=True)


class RetryReport(Ordered):
    results = fields.List(fields.Nested(RetryOutcome))
    retried = fields.Integer()


class CalledFrom(Ordered):
    view = fields.String()
    activity_id = fields.String(allow_none=True)


class DiagramView(Ordered):
    id = fields.String(metadata={"description": "main, or the call activity's task id for a called process"})
    process_key = fields.String(allow_none=True)
    definition_id = fields.Integer(allow_none=True)
    version = fields.Integer(allow_none=True)
    name = fields.String()
    xml = fields.String(allow_none=True)
    called_from = fields.Nested(CalledFrom, allow_none=True)
    waiting = fields.List(fields.String())
    completed = fields.List(fields.String())
    failed = fields.List(fields.String())


class CaseDiagram(Ordered):
    instance_id = fields.String()
    status = fields.String()
    process_key = fields.String()
    views = fields.List(fields.Nested(DiagramView))
