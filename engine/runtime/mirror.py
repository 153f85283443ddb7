"""After every engine step: mirror the workflow's wait states into the indexed tables (the mirror).

Open human tasks, jobs (external service tasks and timers), message subscriptions and joint items
are derived from the workflow and diffed against what is stored, so queries never deserialize
workflows.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql  # noqa: F401 - the upserts
import sqlalchemy.dialects.sqlite  # noqa: F401
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from ..bpmn.task_specs import ExternalServiceTask, waits_after
from ..clock import SHANGHAI
from ..errors import ProcessFailed
from .inbox import mirror_inbox
from ..jsonable import jsonable
from .service_tasks import apply_failure, incident_event
from ..store.models import HistoryEvent, HumanTask, HumanTaskGroup, Item, Job, Subscription

OPEN_JOB_STATES = ("ready", "running", "incident")
HISTORY_INSERT = HistoryEvent.__table__.insert()  # the case's history rows, as one executemany


def history_row(instance_id: str, at, kind: str, activity_id=None, activity_name=None, actor=None,
                details: dict | None = None) -> dict:
    """One history row's parameters for HISTORY_INSERT."""
    return {"instance_id": instance_id, "at": at, "kind": kind, "activity_id": activity_id,
            "activity_name": activity_name, "actor": actor, "details": details if details is not None else {}}
SUMMARY_FIELDS = ("name", "id_number", "channel", "retirement_date", "retirement_type", "retirement_choice",
                  "requested_retirement_month", "period", "quarter", "declaration_due", "declaration_late")
# what an officer records on the paper 信息采集表 (materials received, joint items asked for): kept on the completed
# task row, so that the monthly 采集表 of a batch is one query, not one workflow load per person
RECORDED_FIELDS = ("application_form_received", "personnel_file_received", "joint_items", "file_pages")


def parse_due(value) -> datetime | None:
    """A user task's due date (date, naive or aware ISO string) → aware UTC datetime; a date alone is due
    at the end of that day."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(23, 59, 59))
    else:
        text = str(value).strip()
        if len(text) == 10:
            dt = datetime.combine(date.fromisoformat(text), time(23, 59, 59))
        else:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=SHANGHAI)
    return dt.astimezone(timezone.utc)


def timer_due(value) -> datetime | None:
    """When Spiff fires a waiting timer, read from its stored value as Spiff reads it: a date alone is its
    midnight, a naive time is Beijing time (see clock.install_clock_hook); a cycle's next firing."""
    if isinstance(value, dict):
        value = value.get("next")
    if value in (None, ""):
        return None
    return TimerEventDefinition.get_datetime(str(value))


def all_tasks(wf):
    yield from wf.tasks.values()
    for sub in wf.subprocesses.values():
        yield from sub.tasks.values()


def _event_definition(task):
    return getattr(task.task_spec, "event_definition", None)


def activity_label(task) -> str:
    return getattr(task.task_spec, "bpmn_name", None) or getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


@dataclass
class _Scan:
    """What one walk over a workflow's tasks finds: the tasks it waits in (as ``waiting_states``), the tasks
    completed at a ``camunda:asyncAfter`` boundary, the items (as ``observe_items``), and whether a task of the
    main process is unfinished (its tasks are exactly those of its task tree, which ``is_completed`` walks)."""
    human: list = field(default_factory=list)
    external: list = field(default_factory=list)
    timers: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    continuations: list = field(default_factory=list)
    items: dict = field(default_factory=dict)
    unfinished: bool = False

    def is_completed(self, wf) -> bool:
        """``wf.is_completed()``, without its walk while a task of the main process is unfinished."""
        return wf.completed or (not self.unfinished and wf.is_completed())


def _scan(wf, pspec) -> _Scan:
    found = _Scan()
    item_specs = pspec.item_specs
    main = wf.tasks
    for t in all_tasks(wf):
        state = t.state
        if state & _NOT_FINISHED and not found.unfinished and t.workflow.tasks is main:
            found.unfinished = True
        if state == TaskState.COMPLETED:
            if waits_after(t):
                found.continuations.append(t)
        elif state == TaskState.READY and t.task_spec.manual:
            found.human.append(t)
        elif state == TaskState.STARTED and isinstance(t.task_spec, ExternalServiceTask):
            found.external.append(t)
        elif state == TaskState.WAITING:
            ed = _event_definition(t)
            if isinstance(ed, TimerEventDefinition):
                found.timers.append(t)
            elif isinstance(ed, MessageEventDefinition):
                found.messages.append(t)
        if item_specs:
            props = item_specs.get(t.task_spec.name)
            if props:
                _observe(found.items, props, t)
    return found


_NOT_FINISHED = TaskState.NOT_FINISHED_MASK


def waiting_states(wf, continuations: list | None = None):
    """(human, external, timers, messages): the tasks the instance waits in; the tasks completed at a
    ``camunda:asyncAfter`` boundary, whose outgoing flows a job takes, are appended to ``continuations``."""
    human, external, timers, messages = [], [], [], []
    for t in all_tasks(wf):
        if t.state == TaskState.COMPLETED:
            if continuations is not None and waits_after(t):
                continuations.append(t)
        elif t.state == TaskState.READY and t.task_spec.manual:
            human.append(t)
        elif t.state == TaskState.STARTED and isinstance(t.task_spec, ExternalServiceTask):
            external.append(t)
        elif t.state == TaskState.WAITING:
            ed = _event_definition(t)
            if isinstance(ed, TimerEventDefinition):
                timers.append(t)
            elif isinstance(ed, MessageEventDefinition):
                messages.append(t)
    return human, external, timers, messages


@dataclass(frozen=True)
class Mirror:
    """What the indexed tables hold for one case, as implied by a stored state (see ``mirror_of``).

    Every write of a case's state runs ``mirror_instance`` in the same transaction, so the open human tasks,
    the open jobs, the message subscriptions and the joint items stored for it are a function of that state;
    the other writers of those tables keep to it (claim and unclaim change only the assignee; a job's claims,
    failures and back-off change neither its key nor whether it is open; cancel ends the case). So a save
    writes only the difference between this Mirror and the workflow's, and reads nothing back.
    ``human`` is None when the stored rows are to be read instead (a transaction that changed an open task row
    in a way the caller did not state, see ``without_task``); ``jobs`` None likewise.
    """
    human: frozenset | None
    subscriptions: frozenset
    items: tuple
    jobs: frozenset | None = None  # {(task id, kind, due)} of the open jobs
    new: bool = False  # an instance created in this transaction: nothing is stored for it yet

    @classmethod
    def nothing(cls) -> "Mirror":
        return cls(frozenset(), frozenset(), (), frozenset(), new=True)

    def without_task(self, task_id: str) -> "Mirror":
        """This Mirror after the transaction itself closed the open human task ``task_id`` (completing it)."""
        return replace(self, human=None if self.human is None else self.human - {task_id})

    def without_job(self, task_id: str, kind: str) -> "Mirror":
        """This Mirror after the transaction itself closed the job of ``task_id`` (a worker finishing it)."""
        if self.jobs is None:
            return self
        return replace(self, jobs=frozenset(j for j in self.jobs if (j[0], j[1]) != (task_id, kind)))


def mirror_of(wf, pspec) -> Mirror:
    """The Mirror of ``wf``: take it right after restoring a state, before changing the workflow."""
    found = _scan(wf, pspec)
    return _mirror(found.human, found.messages, found.items,
                   _wanted_jobs(found.external, found.timers, found.continuations))


def _mirror(human, messages, observed_items: dict, wanted_jobs: dict) -> Mirror:
    return Mirror(frozenset(str(t.id) for t in human), _subscription_keys(messages),
                  tuple(sorted((code, state) for code, (state, _t) in observed_items.items())),
                  frozenset((task_id, kind, due) for (task_id, kind), (_t, due, _topic) in wanted_jobs.items()))


def _subscription_keys(waiting) -> frozenset:
    return frozenset((str(t.id), _event_definition(t).name) for t in waiting)


def mirror_instance(engine, session, row, wf, pspec, script_engine, now, actor=None, stored: Mirror | None = None,
                    failures: dict | None = None, history: list | None = None):
    """Mirror ``wf``'s wait states into the tables. With ``stored`` (the Mirror of the state the case was
    restored from), only the difference is written, with nothing read; without it, the stored rows are read
    and compared (a migration). ``history``: where the case's "completed" row goes (the caller inserts it);
    None inserts it here."""
    found = _scan(wf, pspec)
    human, external, timers, messages, continuations = (found.human, found.external, found.timers, found.messages,
                                                        found.continuations)
    current_items = found.items
    new = stored is not None and stored.new
    wanted_jobs = _wanted_jobs(external, timers, continuations)
    current = _mirror(human, messages, current_items, wanted_jobs)
    if stored is None:
        stored = Mirror(None, _stored_subscriptions(session, row.id), _stored_items(session, row.id), None)
    if stored.human != current.human:
        _mirror_human_tasks(engine, session, row, human, script_engine, now, stored.human, nothing_stored=new)
    if stored.jobs != current.jobs:
        _mirror_jobs(session, row, wanted_jobs, stored.jobs, now, failures or {})
    if stored.subscriptions != current.subscriptions:
        _mirror_subscriptions(session, row, messages, stored.subscriptions, now)
    if stored.items != current.items:
        _mirror_items(engine, session, row, pspec, current_items, dict(stored.items), now)
    waiting_in = [
        {"activity_id": t.task_spec.bpmn_id, "name": activity_label(t),
         "type": kind} for kind, tasks in (("user_task", human), ("service_task", external), ("timer", timers),
                                           ("message", messages), ("continuation", continuations)) for t in tasks]
    if waiting_in != row.waiting_in:
        row.waiting_in = waiting_in
    row.updated_at = now
    if found.is_completed(wf) and row.status == "running":
        row.status = "completed"
        row.ended_at = now
        done = history_row(row.id, now, "completed", actor=actor)
        if history is None:
            session.connection().execute(HISTORY_INSERT, [done])
        else:
            history.append(done)


def _stored_subscriptions(session, instance_id) -> frozenset:
    return frozenset(tuple(r) for r in session.execute(sa.select(Subscription.task_id, Subscription.message_name)
                                     .where(Subscription.instance_id == instance_id)).all())


def _stored_items(session, instance_id) -> tuple:
    return tuple(sorted(tuple(r) for r in session.execute(sa.select(Item.item, Item.state)
                                        .where(Item.instance_id == instance_id)).all()))


def _mirror_human_tasks(engine, session, row, ready, script_engine, now, stored: frozenset | None,
                        nothing_stored=False):
    """Open a row (and its group rows) for every newly ready human task, cancel the rows of tasks no longer
    ready. ``stored``: the ids of the open rows (None: read them)."""
    known = stored is not None
    if not known:
        stored = frozenset(session.scalars(sa.select(HumanTask.id).where(
            HumanTask.instance_id == row.id, HumanTask.status == "open")))
    wanted = {str(t.id): t for t in ready}
    opened = [_human_task(engine, row, t, task_id, script_engine, now)
              for task_id, t in wanted.items() if task_id not in stored]
    gone = sorted(stored - set(wanted))
    conn = session.connection()
    if opened:
        conn.execute(_HUMAN_TASK_INSERT, opened)
        groups = [{"task_id": t["id"], "group": g} for t in opened for g in t["candidate_groups"]]
        if groups:
            conn.execute(_HUMAN_TASK_GROUP_INSERT, groups)
    # with the stored ids known, the case's inbox rows are those of the tasks in ``stored`` (mirror_inbox)
    mirror_inbox(session, row.id, wanted, opened, nothing_stored=nothing_stored, closed=gone if known else None)
    if gone:
        conn.execute(_human_tasks_cancel(), [{"b_id": task_id, "completed_at": now} for task_id in gone])


_HUMAN_TASK_INSERT = HumanTask.__table__.insert()
_HUMAN_TASK_GROUP_INSERT = HumanTaskGroup.__table__.insert()


@functools.cache
def _human_tasks_cancel():
    t = HumanTask.__table__
    return (t.update().where(t.c.id == sa.bindparam("b_id"), t.c.status == _constant("open"))
            .values(status=_constant("cancelled"), completed_at=sa.bindparam("completed_at")))


def _human_task(engine, row, t, task_id: str, script_engine, now) -> dict:
    """The row (its columns) of a newly ready human task."""
    ext = t.task_spec.extensions or {}
    groups = list(dict.fromkeys(g.strip() for g in (ext.get("candidateGroups") or "").split(",") if g.strip()))
    if not groups and t.task_spec.lane:
        groups = [t.task_spec.lane]
    due, provisional = None, False
    if ext.get("dueDate"):
        try:
            value = script_engine.due_date(t.data, ext["dueDate"], now)
            due = parse_due(value)
        except Exception as exc:  # the diagram's due date failed: nothing is saved, the element is named
            raise ProcessFailed(f"the process failed at '{activity_label(t)}': the due date {ext['dueDate']!r}: "
                                f"{type(exc).__name__}: {exc}", activity_id=t.task_spec.bpmn_id) from exc
        provisional = bool(getattr(value, "provisional", False)) or (
            due is not None and engine.localities.date_is_provisional(row.locality, due.astimezone(SHANGHAI).date()))
    return {
        "id": task_id, "instance_id": row.id, "process_key": row.process_key, "activity_id": t.task_spec.bpmn_id,
        "name": activity_label(t), "business_key": row.business_key, "locality": row.locality,
        "locality_path": row.locality_path, "candidate_groups": groups, "form_ref": ext.get("formRef"),
        "due_at": due, "due_provisional": provisional, "assignee": None, "status": "open",
        "item": (ext.get("properties") or {}).get("item"), "summary": jsonable({k: t.data[k] for k in SUMMARY_FIELDS
                                                                               if k in t.data}),
        "created_at": now, "completed_at": None, "completed_by": None}


def _wanted_jobs(external, timers, continuations=()) -> dict:
    """{(task id, kind): (task, due, topic)}: the jobs the waiting service tasks, the asyncAfter continuations
    and the timers need (a due of None: due at once)."""
    wanted = {}
    for t in external:
        wanted[(str(t.id), "service")] = (t, None, t.task_spec.extensions.get("topic"))
    for t in continuations:  # camunda:asyncAfter: the worker takes the outgoing flows
        wanted[(str(t.id), "continuation")] = (t, None, None)
    for t in timers:
        due = timer_due(t._get_internal_data("event_value"))
        if due is not None:
            wanted[(str(t.id), "timer")] = (t, due, None)
    return wanted


def _mirror_jobs(session, row, wanted: dict, stored: frozenset | None, now, failures: dict):
    """Insert the jobs of newly waiting tasks (or reopen a closed row of the same task: a timer due again),
    move a timer job whose due time changed, and cancel the open jobs of tasks that no longer wait.
    ``stored``: {(task id, kind, due)} of the open jobs (None: read them)."""
    if stored is None:
        stored = frozenset((j.task_id, j.kind, j.due_at if j.kind == "timer" else None) for j in session.execute(
            sa.select(Job.task_id, Job.kind, Job.due_at).where(Job.instance_id == row.id,
                                                               Job.status.in_(OPEN_JOB_STATES))))
    stored_keys = {(task_id, kind): due for task_id, kind, due in stored}
    soon = now + timedelta(minutes=1)
    rows = []
    for key, (t, due, topic) in wanted.items():
        if key in stored_keys and stored_keys[key] == due and not (due is not None and due <= soon):
            continue  # open and unchanged (a timer due now is written anyway: its row may have been closed)
        retries = (t.task_spec.extensions or {}).get("properties", {}).get("retries")
        rows.append({"instance_id": row.id, "task_id": key[0], "kind": key[1], "topic": topic,
                     "activity_id": t.task_spec.bpmn_id, "activity_name": activity_label(t),
                     "locality": row.locality, "locality_path": row.locality_path,
                     "due_at": due or now - timedelta(microseconds=1), "status": "ready", "attempts": 0,
                     "max_attempts": int(retries) if retries else 3, "lease_owner": None, "lease_until": None,
                     "last_error": None, "payload": {}, "created_at": now, "updated_at": now, "completed_at": None})
    failed = [r for r in rows if r["task_id"] in failures]
    for r in failed:
        apply_failure(r, failures[r["task_id"]], now)
    conn = session.connection()
    if rows:
        _upsert_jobs(conn, [r for r in rows if r["task_id"] not in failures])
        for r in failed:  # an incident's history names the job: one row at a time, with its id
            job_id = _upsert_jobs(conn, [r], returning=True)
            if r["status"] == "incident":
                conn.execute(HISTORY_INSERT, [incident_event(r, job_id, failures[r["task_id"]], now)])
    gone = [key for key in stored_keys if key not in wanted]
    if gone:
        conn.execute(_jobs_cancel(), [{"b_instance_id": row.id, "b_task_id": task_id, "b_kind": kind,
                                       "updated_at": now} for task_id, kind in gone])


@functools.cache
def _jobs_cancel():
    """Cancel the open job of one (instance, task, kind): run as executemany, one parameter set per job."""
    t = Job.__table__
    return (t.update().where(t.c.instance_id == sa.bindparam("b_instance_id"), _one_of(t.c.status, OPEN_JOB_STATES),
                             t.c.task_id == sa.bindparam("b_task_id"), t.c.kind == sa.bindparam("b_kind"))
            .values(status=_constant("cancelled"), updated_at=sa.bindparam("updated_at"), lease_owner=None,
                    lease_until=None))


def _upsert_jobs(conn, rows: list[dict], returning: bool = False):
    """Insert job rows; a row of the same (instance, task, kind) already there is reopened when closed (its
    due time set again), or, when open, keeps its state and takes the timer's due time."""
    if not rows:
        return None
    stmt = _job_upsert(conn.dialect.name)
    if returning:
        return conn.execute(stmt.returning(Job.__table__.c.id), rows[0]).scalar_one()
    conn.execute(stmt, rows)
    return None


@functools.cache
def _job_upsert(dialect: str):
    """Built once per dialect (building an upsert costs more than running it on SQLite)."""
    insert = _insert_of(dialect, Job.__table__)
    closed = sa.not_(_one_of(Job.status, OPEN_JOB_STATES))
    return insert.on_conflict_do_update(
        index_elements=["instance_id", "task_id", "kind"],
        set_={"status": sa.case((closed, _constant("ready")), else_=Job.status),
              "due_at": sa.case((sa.or_(closed, Job.kind == _constant("timer")), insert.excluded.due_at),
                                else_=Job.due_at),
              "updated_at": insert.excluded.updated_at,
              "lease_owner": sa.case((closed, None), else_=Job.lease_owner),
              "lease_until": sa.case((closed, None), else_=Job.lease_until)})


def _insert_of(dialect: str, table: sa.Table):
    """The dialect's INSERT, which offers ON CONFLICT (the upserts)."""
    return (sa.dialects.postgresql.insert if dialect == "postgresql" else sa.dialects.sqlite.insert)(table)


def _constant(text: str):
    """A constant string written into the statement (an upsert runs as executemany, which takes no IN lists)."""
    return sa.literal_column(f"'{text}'", sa.String)


def _one_of(column, values) -> sa.ColumnElement:
    return sa.or_(*[column == _constant(v) for v in values])


def _mirror_subscriptions(session, row, waiting, stored: frozenset, now):
    wanted = set(_subscription_keys(waiting))
    added = wanted - stored
    conn = session.connection()
    if added:
        conn.execute(_SUBSCRIPTION_INSERT, [
            {"instance_id": row.id, "task_id": task_id, "message_name": name, "business_key": row.business_key,
             "locality_path": row.locality_path, "created_at": now} for task_id, name in sorted(added)])
    gone = sorted(stored - wanted)
    if gone:
        conn.execute(_subscription_delete(), [{"b_instance_id": row.id, "b_task_id": task_id, "b_name": name}
                                              for task_id, name in gone])


_SUBSCRIPTION_INSERT = Subscription.__table__.insert()


@functools.cache
def _subscription_delete():
    t = Subscription.__table__
    return t.delete().where(t.c.instance_id == sa.bindparam("b_instance_id"), t.c.task_id == sa.bindparam("b_task_id"),
                            t.c.message_name == sa.bindparam("b_name"))


_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING


def observe_items(wf, pspec) -> dict[str, tuple[str, object]]:
    """{item code: (state, the task that decides it)} as the workflow shows them now."""
    observed: dict[str, tuple[str, object]] = {}
    if not pspec.item_specs:
        return observed
    for t in all_tasks(wf):
        props = pspec.item_specs.get(t.task_spec.name)
        if props:
            _observe(observed, props, t)
    return observed


def _observe(observed: dict, props: dict, t) -> None:
    """Take the item state task ``t`` shows (``props``: its item properties) into ``observed``."""
    if t.state & _ACTIVE:
        state = "in_progress"
    elif t.state == TaskState.COMPLETED:
        state = props.get("item_state") or "done"
    else:
        return
    code = props["item"]
    previous = observed.get(code)
    if previous is None or _rank(state) >= _rank(previous[0]):
        observed[code] = (state, t)


def _mirror_items(engine, session, row, pspec, observed: dict, stored: dict, now):
    """Write the items whose observed state changed since ``stored`` ({code: state}): a new item gets its row; a
    final state is never moved back to in_progress (a later task of the same item is still running)."""
    catalog = engine.localities.item_catalog(row.locality)
    rows = []
    for code, (state, t) in observed.items():
        if stored.get(code) == state:
            continue
        dept = (catalog.get(code) or {}).get("department") or _department_of(t)
        final = state in FINAL_ITEM_STATES
        result = {}
        if final:
            props = pspec.item_specs[t.task_spec.name]
            keys = [k.strip() for k in (props.get("item_result") or "").split(",") if k.strip()]
            result = jsonable({k: t.data.get(k) for k in keys if k in t.data})
        rows.append({"instance_id": row.id, "item": code, "department": dept, "locality": row.locality,
                     "locality_path": row.locality_path, "state": state, "result": result, "started_at": now,
                     "completed_at": now if final else None})
    if rows:
        conn = session.connection()
        conn.execute(_item_upsert(conn.dialect.name), rows)


@functools.cache
def _item_upsert(dialect: str):
    insert = _insert_of(dialect, Item.__table__)
    new = insert.excluded
    keep_final = sa.and_(_one_of(Item.state, FINAL_ITEM_STATES), new.state == _constant("in_progress"))
    final = _one_of(new.state, FINAL_ITEM_STATES)
    return insert.on_conflict_do_update(
        index_elements=["instance_id", "item"],
        set_={"state": new.state, "completed_at": sa.case((final, new.completed_at), else_=Item.completed_at),
              "result": sa.case((final, new.result), else_=Item.result)},
        where=sa.and_(Item.state != new.state, sa.not_(keep_final)))


# not_requested: the person did not ask for the item (采集表 / application), so no department acts on it
FINAL_ITEM_STATES = ("done", "rejected", "not_applicable", "not_requested")


def _rank(state: str) -> int:
    return {"in_progress": 1, "not_requested": 2, "not_applicable": 2, "rejected": 3, "done": 4}.get(state, 0)


def _department_of(t) -> str:
    ext = t.task_spec.extensions or {}
    if ext.get("topic"):
        return ext["topic"].split(".")[0]
    groups = (ext.get("candidateGroups") or "").split(",")
    return groups[0].strip() if groups and groups[0] else (t.task_spec.lane or "")
