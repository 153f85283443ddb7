"""Read models for the operator's console: the dashboard's counts, incidents with their trace's last lines, and a
case's diagram state (the elements it waits in, the path it took, the failed element), per called process too."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask

from .store.models import Definition, HumanTask, HumanTaskGroup, Instance, Job, Locality, WorkerHeartbeat
from .runtime.mirror import all_tasks, waiting_states

HEARTBEAT_SECONDS = 10.0   # the worker beats every 10 s (api/worker.py)
STALE_AFTER_BEATS = 3      # a worker that missed three beats in a row is stale


def worker_state(age_seconds: float | None, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> str:
    """ok while a worker beat within a few heartbeat intervals, stale after that, absent when none ever beat."""
    if age_seconds is None:
        return "absent"
    return "ok" if age_seconds <= STALE_AFTER_BEATS * heartbeat_seconds else "stale"


def workers(session, now: datetime) -> list[dict]:
    rows = session.scalars(sa.select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc())).all()
    out = []
    for r in rows:
        age = max(0.0, (now - r.beat_at).total_seconds())
        out.append({"worker_id": r.worker_id, "host": r.host, "pid": r.pid, "started_at": r.started_at,
                    "beat_at": r.beat_at, "age_seconds": age, "state": worker_state(age)})
    return out


def running_by_locality_and_process(session, scope_like: str) -> list[dict]:
    q = (sa.select(Instance.locality, Locality.name, Instance.process_key, sa.func.count())
         .join(Locality, Locality.code == Instance.locality, isouter=True)
         .where(Instance.locality_path.like(scope_like), Instance.status == "running")
         .group_by(Instance.locality, Locality.name, Instance.process_key)
         .order_by(Instance.locality, Instance.process_key))
    return [{"locality": loc, "locality_name": name or loc, "process_key": key, "running": n}
            for loc, name, key, n in session.execute(q)]


def overdue_by_department(session, scope_like: str, now: datetime, names: dict) -> list[dict]:
    q = (sa.select(HumanTaskGroup.group, sa.func.count())
         .join(HumanTask, HumanTask.id == HumanTaskGroup.task_id)
         .where(HumanTask.status == "open", HumanTask.locality_path.like(scope_like), HumanTask.due_at < now)
         .group_by(HumanTaskGroup.group).order_by(sa.func.count().desc(), HumanTaskGroup.group))
    return [{"department": g, "department_name": names.get(g, g), "overdue": n} for g, n in session.execute(q)]


def open_by_department(session, scope_like: str | None = None) -> list[tuple[str, int]]:
    q = (sa.select(HumanTaskGroup.group, sa.func.count()).join(HumanTask, HumanTask.id == HumanTaskGroup.task_id)
         .where(HumanTask.status == "open").group_by(HumanTaskGroup.group))
    if scope_like:
        q = q.where(HumanTask.locality_path.like(scope_like))
    return [(g, n) for g, n in session.execute(q)]


def open_incidents(session, scope_like: str | None = None) -> int:
    q = sa.select(sa.func.count()).select_from(Job).where(Job.status == "incident")
    if scope_like:
        q = q.where(Job.locality_path.like(scope_like))
    return session.scalar(q) or 0


def job_queue(session, scope_like: str | None, now: datetime) -> dict:
    """Jobs ready to run now (the queue), running, and how long the oldest due one has waited."""
    base = sa.select(sa.func.count(), sa.func.min(Job.due_at)).where(Job.status == "ready", Job.due_at <= now)
    running = sa.select(sa.func.count()).select_from(Job).where(Job.status == "running")
    if scope_like:
        base = base.where(Job.locality_path.like(scope_like))
        running = running.where(Job.locality_path.like(scope_like))
    depth, oldest = session.execute(base).one()
    age = max(0.0, (now - _aware(oldest)).total_seconds()) if oldest else None
    return {"due": depth or 0, "running": session.scalar(running) or 0, "oldest_due_age_seconds": age}


def timer_lag(session, now: datetime) -> float | None:
    """Seconds the oldest due timer has waited past its time (0 when none is late)."""
    oldest = session.scalar(sa.select(sa.func.min(Job.due_at)).where(Job.status == "ready", Job.kind == "timer",
                                                                      Job.due_at <= now))
    return max(0.0, (now - _aware(oldest)).total_seconds()) if oldest else 0.0


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def dashboard(session, scope_like: str, now: datetime, department_names: dict) -> dict:
    return {"at": now, "running": running_by_locality_and_process(session, scope_like),
            "overdue_tasks": overdue_by_department(session, scope_like, now, department_names),
            "open_incidents": open_incidents(session, scope_like), "jobs": job_queue(session, scope_like, now),
            "workers": workers(session, now)}


def last_lines(text: str | None, n: int = 6) -> dict:
    """An incident's error (its first line) and the stack's last lines."""
    lines = [ln for ln in (text or "").splitlines() if ln.strip()]
    if not lines:
        return {"error": None, "trace_tail": []}
    return {"error": lines[0], "trace_tail": lines[1:][-n:]}


def incident_rows(session, query) -> list[dict]:
    out = []
    for job in session.scalars(query):
        out.append(incident_out(session, job))
    return out


def incident_out(session, job: Job) -> dict:
    case = session.get(Instance, job.instance_id) if job.instance_id else None
    return {**{c: getattr(job, c) for c in ("id", "instance_id", "kind", "topic", "activity_id", "activity_name",
                                             "locality", "due_at", "status", "attempts", "max_attempts", "last_error",
                                             "updated_at")},
            **last_lines(job.last_error), "business_key": case.business_key if case else None,
            "process_key": case.process_key if case else None}


# ---- the case's diagram -------------------------------------------------------------------------------------------

def _element(task) -> str | None:
    spec = task.task_spec
    return getattr(spec, "bpmn_id", None)


def diagram(engine, session, row: Instance) -> dict:
    """The case's process and each called process it entered: the XML of the version it runs, the element ids it
    waits in, the ids it completed (the path), and the element whose job failed its last attempt."""
    _row, wf, _pspec, _se = engine.load(session, row.id, row=row)
    main = session.get(Definition, row.definition_id)
    called = {key: session.get(Definition, def_id) for key, def_id in (row.subprocess_definitions or {}).items()}
    incidents = {j.task_id: j for j in session.scalars(sa.select(Job).where(Job.instance_id == row.id,
                                                                           Job.status == "incident"))}
    human, external, timers, messages = waiting_states(wf)
    waiting = {t.id for t in (*human, *external, *timers, *messages)}

    # which process view (the top one, or one call activity's) a workflow's tasks are drawn in
    views: dict = {id(wf): "main"}
    entries = {"main": _view("main", main, None, None)}
    subs = sorted(wf.subprocesses.values(), key=lambda s: getattr(s, "depth", 0))
    for sub in subs:
        parent = wf.get_task_from_id(sub.parent_task_id)
        parent_view = views.get(id(parent.workflow), "main") if parent is not None else "main"
        if parent is not None and isinstance(parent.task_spec, CallActivity):
            key = sub.spec.name
            d = called.get(key) or (main if key in (main.extra_keys or []) or key == main.key else None)
            view_id = str(sub.parent_task_id)
            entries[view_id] = _view(view_id, d, key, {"view": parent_view, "activity_id": _element(parent)})
            views[id(sub)] = view_id
        else:  # an embedded subprocess is drawn in its parent's diagram
            views[id(sub)] = parent_view

    for t in all_tasks(wf):
        el = _element(t)
        if not el:
            continue
        entry = entries[views.get(id(t.workflow), "main")]
        if t.id in waiting or (t.state == TaskState.STARTED and isinstance(t.task_spec, SubWorkflowTask)):
            entry["waiting"].add(el)   # a call activity or sub-process whose inside runs is waited in too
        elif t.state == TaskState.COMPLETED:
            entry["completed"].add(el)
        if t.id in incidents or str(t.id) in incidents:
            entry["failed"].add(el)
    # a failure inside a called process also marks the call activity it runs under, up to the main process
    for entry in list(entries.values()):
        child, seen = entry, set()
        while child["failed"] and child["called_from"] and child["id"] not in seen:
            seen.add(child["id"])
            parent = entries.get(child["called_from"]["view"])
            if parent is None or not child["called_from"]["activity_id"]:
                break
            parent["failed"].add(child["called_from"]["activity_id"])
            child = parent
    out = []
    for e in entries.values():
        out.append({**e, "waiting": sorted(e["waiting"]), "completed": sorted(e["completed"]),
                    "failed": sorted(e["failed"])})
    return {"instance_id": row.id, "status": row.status, "process_key": row.process_key, "views": out}


def _view(view_id: str, d: Definition | None, key: str | None, called_from: dict | None) -> dict:
    return {"id": view_id, "process_key": key or (d.key if d else None), "definition_id": d.id if d else None,
            "version": d.version if d else None, "name": d.name if d else "", "xml": d.content if d else None,
            "called_from": called_from, "waiting": set(), "completed": set(), "failed": set()}


def department_names(settings: dict) -> dict:
    return dict(settings.get("departments") or {})
