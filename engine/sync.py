"""After every engine step: mirror the workflow's wait states into the indexed tables.

Open human tasks, jobs (external service tasks and timers), message subscriptions and joint items
are derived from the workflow and diffed against what is stored, so queries never deserialize
workflows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .bpmn.task_specs import ExternalServiceTask, waits_after
from .clock import SHANGHAI
from .errors import ProcessFailed
from .inbox import mirror_inbox
from .jsonable import jsonable
from .runtime.service_tasks import apply_failure
from .store.models import HistoryEvent, HumanTask, HumanTaskGroup, Item, Job, Subscription

OPEN_JOB_STATES = ("ready", "running", "incident")
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

    Every write of a case's state runs ``sync_instance`` in the same transaction, so the open human tasks,
    the message subscriptions and the joint items stored for it are a function of that state; the other
    writers of those tables keep to it (claim and unclaim change only the assignee; cancel ends the case).
    ``human`` is None when the transaction itself changed an open human task (completing it).
    Jobs are not mirrored: their rows also change outside the state (claims, failures, back-off, done).
    """
    human: frozenset | None
    subscriptions: frozenset
    items: tuple
    new: bool = False  # an instance created in this transaction: nothing is stored for it yet

    @classmethod
    def nothing(cls) -> "Mirror":
        return cls(frozenset(), frozenset(), (), new=True)


def mirror_of(wf, pspec) -> Mirror:
    """The Mirror of ``wf``: take it right after restoring a state, before changing the workflow."""
    human, _external, _timers, messages = waiting_states(wf)
    return _mirror(human, messages, observe_items(wf, pspec))


def _mirror(human, messages, observed_items: dict) -> Mirror:
    return Mirror(frozenset(str(t.id) for t in human), _subscription_keys(messages),
                  tuple(sorted((code, state) for code, (state, _t) in observed_items.items())))


def _subscription_keys(waiting) -> frozenset:
    return frozenset((str(t.id), _event_definition(t).name) for t in waiting)


def sync_instance(engine, session, row, wf, pspec, script_engine, now, actor=None, stored: Mirror | None = None,
                  failures: dict | None = None):
    """Mirror ``wf``'s wait states into the tables. With ``stored`` (the Mirror of the state the case was
    restored from), a kind of row whose mirror has not changed is known to be right and is not queried."""
    continuations: list = []
    human, external, timers, messages = waiting_states(wf, continuations)
    new = stored is not None and stored.new
    current_items = observe_items(wf, pspec)
    current = _mirror(human, messages, current_items) if stored is not None else None
    if stored is None or stored.human is None or stored.human != current.human:
        _sync_human_tasks(engine, session, row, human, script_engine, now, nothing_stored=new)
    _sync_jobs(session, row, external, timers, now, nothing_stored=new, failures=failures or {},
               continuations=continuations)
    if stored is None or stored.subscriptions != current.subscriptions:
        _sync_subscriptions(session, row, messages, now, nothing_stored=new)
    if stored is None or stored.items != current.items:
        _sync_items(engine, session, row, wf, pspec, now, nothing_stored=new, observed=current_items)
    row.waiting_in = [
        {"activity_id": t.task_spec.bpmn_id, "name": activity_label(t),
         "type": kind} for kind, tasks in (("user_task", human), ("service_task", external), ("timer", timers),
                                           ("message", messages), ("continuation", continuations)) for t in tasks]
    row.updated_at = now
    if wf.is_completed() and row.status == "running":
        row.status = "completed"
        row.ended_at = now
        session.add(HistoryEvent(instance_id=row.id, at=now, kind="completed", actor=actor, details={}))


def _sync_human_tasks(engine, session, row, ready, script_engine, now, nothing_stored=False):
    stored = {} if nothing_stored else {t.id: t for t in session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == row.id, HumanTask.status == "open"))}
    wanted = {str(t.id): t for t in ready}
    opened = []
    for task_id, t in wanted.items():
        if task_id in stored:
            continue
        ext = t.task_spec.extensions or {}
        groups = [g.strip() for g in (ext.get("candidateGroups") or "").split(",") if g.strip()]
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
                due is not None and engine.date_is_provisional(row.locality, due.astimezone(SHANGHAI).date()))
        opened.append(HumanTask(
            id=task_id, instance_id=row.id, process_key=row.process_key, activity_id=t.task_spec.bpmn_id,
            name=activity_label(t), business_key=row.business_key, locality=row.locality,
            locality_path=row.locality_path, candidate_groups=groups, form_ref=ext.get("formRef"), due_at=due,
            due_provisional=provisional,
            status="open", item=(ext.get("properties") or {}).get("item"), created_at=now,
            summary=jsonable({k: t.data[k] for k in SUMMARY_FIELDS if k in t.data})))
        session.add(opened[-1])
        session.flush()
        for g in groups:
            session.add(HumanTaskGroup(task_id=task_id, group=g))
    for task_id, stale in stored.items():
        if task_id not in wanted:
            stale.status = "cancelled"
            stale.completed_at = now
    mirror_inbox(session, row.id, wanted, opened, nothing_stored=nothing_stored)


def _sync_jobs(session, row, external, timers, now, nothing_stored=False, failures=None, continuations=()):
    wanted = {}
    for t in external:
        wanted[(str(t.id), "service")] = (t, now - timedelta(microseconds=1), t.task_spec.extensions.get("topic"))
    for t in continuations:  # camunda:asyncAfter: the worker takes the outgoing flows
        wanted[(str(t.id), "continuation")] = (t, now - timedelta(microseconds=1), None)
    for t in timers:
        due = timer_due(t._get_internal_data("event_value"))
        if due is None:
            continue
        wanted[(str(t.id), "timer")] = (t, due, None)
    # the open jobs, and any closed one of a task still waiting; the case's other finished jobs play no part
    every = {} if nothing_stored else {(j.task_id, j.kind): j for j in session.scalars(sa.select(Job).where(
        Job.instance_id == row.id,
        sa.or_(Job.status.in_(OPEN_JOB_STATES), Job.task_id.in_(sorted({k[0] for k in wanted})))))}
    stored = {k: j for k, j in every.items() if j.status in OPEN_JOB_STATES}
    for key, (t, due, topic) in wanted.items():
        job = every.get(key)
        if job is not None:
            if job.status not in OPEN_JOB_STATES:  # a timer that was due but had not fired yet
                job.status, job.due_at, job.updated_at = "ready", due, now
            elif key[1] == "timer" and job.due_at != due:
                job.due_at, job.updated_at = due, now
            continue
        retries = (t.task_spec.extensions or {}).get("properties", {}).get("retries")
        job = Job(instance_id=row.id, task_id=key[0], kind=key[1], topic=topic,
                  activity_id=t.task_spec.bpmn_id, activity_name=activity_label(t), locality=row.locality,
                  locality_path=row.locality_path, due_at=due, status="ready", attempts=0,
                  max_attempts=int(retries) if retries else 3, created_at=now, updated_at=now)
        session.add(job)
        if failures and key[0] in failures:
            apply_failure(session, job, failures[key[0]], now)
    for key, job in stored.items():
        if key not in wanted:
            job.status, job.updated_at, job.lease_owner, job.lease_until = "cancelled", now, None, None


def _sync_subscriptions(session, row, waiting, now, nothing_stored=False):
    stored = {} if nothing_stored else {(s.task_id, s.message_name): s for s in session.scalars(
        sa.select(Subscription).where(Subscription.instance_id == row.id))}
    wanted = set(_subscription_keys(waiting))
    for task_id, name in wanted - set(stored):
        session.add(Subscription(instance_id=row.id, task_id=task_id, message_name=name,
                                 business_key=row.business_key, locality_path=row.locality_path, created_at=now))
    for key in set(stored) - wanted:
        session.delete(stored[key])


_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING


def observe_items(wf, pspec) -> dict[str, tuple[str, object]]:
    """{item code: (state, the task that decides it)} as the workflow shows them now."""
    observed: dict[str, tuple[str, object]] = {}
    if not pspec.item_specs:
        return observed
    for t in all_tasks(wf):
        props = pspec.item_specs.get(t.task_spec.name)
        if not props:
            continue
        code = props["item"]
        if t.state & _ACTIVE:
            state = "in_progress"
        elif t.state == TaskState.COMPLETED:
            state = props.get("item_state") or "done"
        else:
            continue
        previous = observed.get(code)
        if previous is None or _rank(state) >= _rank(previous[0]):
            observed[code] = (state, t)
    return observed


def _sync_items(engine, session, row, wf, pspec, now, nothing_stored=False, observed=None):
    observed = observe_items(wf, pspec) if observed is None else observed
    if not observed:
        return
    stored = {} if nothing_stored else {
        i.item: i for i in session.scalars(sa.select(Item).where(Item.instance_id == row.id))}
    catalog = engine.item_catalog(row.locality)
    for code, (state, t) in observed.items():
        item = stored.get(code)
        if item is None:
            dept = (catalog.get(code) or {}).get("department") or _department_of(t)
            item = Item(instance_id=row.id, item=code, department=dept, locality=row.locality,
                        locality_path=row.locality_path, state="pending", result={}, started_at=now)
            session.add(item)
        if item.state == state or item.state in FINAL_ITEM_STATES and state == "in_progress":
            continue
        item.state = state
        if state in FINAL_ITEM_STATES:
            item.completed_at = now
            props = pspec.item_specs[t.task_spec.name]
            keys = [k.strip() for k in (props.get("item_result") or "").split(",") if k.strip()]
            item.result = jsonable({k: t.data.get(k) for k in keys if k in t.data})


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
