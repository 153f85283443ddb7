"""Starting cases, completing human tasks, claiming, messages and cancelling: one transaction each."""
from __future__ import annotations

import copy
import json
import uuid

import sqlalchemy as sa
from sqlalchemy import orm as so
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

from ..bpmn.engine_steps import skip_idle_waits
from ..clock import SHANGHAI
from ..errors import Conflict, InvalidInput, NotFound
from ..forms import defaults_of
from .inbox import leave_inbox, mirror_inbox
from ..jsonable import jsonable
from ..store.models import Definition, HistoryEvent, HumanTask, Instance, Job, Subscription
from .mirror import RECORDED_FIELDS, Mirror, all_tasks, mirror_of


# the statements of a completion, built once: the task still open and the actor's (claimed by nobody or by them)
_TASK = HumanTask.__table__
_MINE = sa.and_(_TASK.c.id == sa.bindparam("p_task_id"), _TASK.c.status == "open",
                sa.or_(_TASK.c.assignee.is_(None), _TASK.c.assignee == sa.bindparam("p_actor")))
_LOCK_MINE = sa.update(_TASK).where(_MINE).values(status=_TASK.c.status)
_CLOSE_MINE = sa.update(_TASK).where(_MINE).values(status="completed", completed_at=sa.bindparam("p_at"),
                                                  completed_by=sa.bindparam("p_actor"))
_CLOSE_MINE_WITH_SUMMARY = _CLOSE_MINE.values(summary=sa.bindparam("p_summary"))
_OPEN_TASK_AND_CASE = (sa.select(HumanTask, Instance).join(Instance, Instance.id == HumanTask.instance_id)
                       .where(HumanTask.id == sa.bindparam("p_task_id")))


class PersonHasRunningCase(Conflict):
    """The person already has a running case in this locality (the unique index on instances.person_key)."""

    def __init__(self, business_key: str | None):
        super().__init__(f"该参保人已有正在办理的退休一件事{f'（业务编号 {business_key}）' if business_key else ''}，"
                         f"不能重复申请; this person already has a running case", field="id_number")
        self.business_key = business_key


class Cases:
    """The commands on one case: start, complete a task, claim / unclaim, deliver a message, cancel."""

    def __init__(self, rt):
        self._rt = rt
        self._form_defaults_cache: dict[int, dict] = {}
        self._labels: dict[int, tuple[str, int]] = {}

    def start(self, process_key: str, locality: str, business_key: str, variables: dict | None = None,
              actor: str = "system", *, session=None, person_key: str | None = None,
              without_start_form: bool = False) -> str:
        """Start ``process_key`` for ``locality`` at its nearest latest version → instance id.

        ``person_key`` (e.g. the ID number of the person a retirement is for) is held by the case while it runs:
        a second running case with the same key in the same locality is a Conflict, decided by the database's
        unique index, so simultaneous starts cannot both win.

        ``without_start_form``: the caller has checked no start form (a bare start over the API), so a process whose
        start event has one (``camunda:formRef``, e.g. the retirement's application form) is refused — it starts
        only through its form, where the data, the person and the channel are checked.
        """
        if session is None:
            with self._rt.transaction() as s:
                return self.start(process_key, locality, business_key, variables, actor, session=s,
                                  person_key=person_key, without_start_form=without_start_form)
        self._rt.localities.require(locality)
        seq = self._rt.definitions.latest_seq(session)
        definition_id = self._rt.definitions.require_id(session, "bpmn", process_key, locality, seq)
        key, version = self._key_and_version(session, definition_id)
        now = self._rt.now()
        row = Instance(id=str(uuid.uuid4()), process_key=key, definition_id=definition_id,
                       subprocess_definitions=self._rt.resolve_called(session, definition_id, locality, seq),
                       snapshot_seq=seq, locality=locality, locality_path=self._rt.localities.path(locality),
                       business_key=business_key, status="running", state="", waiting_in=[], started_at=now,
                       updated_at=now, started_by=actor, person_key=person_key)
        if not self._rt.writes_lock_database:
            self._insert_instance(session, row, person_key)
        elif person_key is not None and session.scalar(sa.select(Instance.id).where(
                Instance.locality == locality, Instance.person_key == person_key).limit(1)):
            raise PersonHasRunningCase(None)  # checked again by the unique index when the row is written
        pspec = self._rt.process_spec(session, row)
        if without_start_form and _start_form(pspec):
            raise InvalidInput(f"流程“{process_key}”须通过其申请表发起（POST /api/applications）; process {process_key} "
                               f"starts only through its start form {_start_form(pspec)}",
                               {"key": [f"须通过申请表 {_start_form(pspec)} 发起 (starts through its form)"]})
        se = self._rt.script_engine(session, row)
        wf = BpmnWorkflow(pspec.spec, pspec.subprocess_specs, script_engine=se)
        skip_idle_waits(wf)
        data = dict(variables or {})
        for name, value in self._start_form_defaults(session, pspec, locality, seq).items():
            data.setdefault(name, value)
        data.setdefault("business_key", business_key)
        data.setdefault("locality", locality)
        data.setdefault("started_at", now.astimezone(SHANGHAI).isoformat())
        for t in wf.get_tasks(state=TaskState.READY):
            t.data.update(data)
        step = self._rt.step(session, row, wf, se, actor)
        if self._rt.writes_lock_database:
            self._insert_instance(session, row, person_key)
        session.add(HistoryEvent(instance_id=row.id, at=now, kind="started", actor=actor,
                                 details={"definition_id": definition_id, "version": version}))
        self._rt.save(session, row, wf, pspec, se, actor, stored=Mirror.nothing(), step=step)
        return row.id

    def _key_and_version(self, session, definition_id: int) -> tuple[str, int]:
        """The definition's key and version, without reading its row (and the diagram's text) once known: a
        definition id's row never changes them."""
        found = self._labels.get(definition_id)
        if found is None:
            d = session.get(Definition, definition_id)
            found = self._labels[definition_id] = (d.key, d.version)
        return found

    @staticmethod
    def _insert_instance(session, row, person_key) -> None:
        session.add(row)
        try:
            session.flush()
        except sa.exc.IntegrityError as exc:  # the only unique key of a new instance row besides its uuid
            if person_key is None:
                raise
            raise PersonHasRunningCase(None) from exc  # the caller names the case once this transaction is over

    def _start_form_defaults(self, session, pspec, locality: str, seq: int) -> dict:
        """Default values of the start event's form (``camunda:formRef``) for variables a start omits."""
        defaults: dict = {}
        for ts in pspec.spec.task_specs.values():
            form_ref = isinstance(ts, StartEvent) and (getattr(ts, "extensions", None) or {}).get("formRef")
            if form_ref:
                found = self._rt.definitions.resolve_id(session, "form", form_ref, locality, seq)
                if found is not None:
                    defaults.update(self._form_defaults(session, found))
        return copy.deepcopy(defaults)  # the values go into the new case's data: never share them

    def _form_defaults(self, session, form_definition_id: int) -> dict:
        found = self._form_defaults_cache.get(form_definition_id)  # a definition id's content never changes
        if found is None:
            form = session.get(Definition, form_definition_id)
            found = self._form_defaults_cache[form_definition_id] = defaults_of(json.loads(form.content))
        return found

    def claim(self, task_id: str, username: str) -> None:
        """Take an open task for ``username``: one conditional UPDATE, so of clerks claiming at once exactly
        one wins and every other gets a Conflict naming the holder."""
        self._assign(task_id, username, sa.or_(HumanTask.assignee.is_(None), HumanTask.assignee == username))

    def unclaim(self, task_id: str, username: str, *, force: bool = False) -> None:
        """Give the task back to its group; only its holder may, or anyone with ``force`` (an admin)."""
        held = sa.true() if force else sa.or_(HumanTask.assignee.is_(None), HumanTask.assignee == username)
        self._assign(task_id, None, held)

    def _assign(self, task_id: str, assignee: str | None, allowed) -> None:
        with self._rt.transaction() as session:
            changed = session.execute(
                sa.update(HumanTask).where(HumanTask.id == task_id, HumanTask.status == "open", allowed)
                .values(assignee=assignee).execution_options(synchronize_session=False))
            if changed.rowcount == 1:
                return
            task = self._open_task(session, task_id)  # unknown or no longer open: 404 / 409 with the reason
            raise Conflict(_held_by(task.assignee))

    def complete_task(self, task_id: str, data: dict, actor: str, *, validate: bool = False) -> str:
        """Complete an open human task with form data → the instance id.

        ``validate`` (the API always asks): check the data against the task's form (``camunda:formRef``, as deployed for the case's
        locality) first; InvalidInput names the fields, before anything changes. The clerk's completion
        does not fail when a service task it reaches fails: that task becomes a job (runtime.service_tasks).
        """
        with self._rt.transaction() as session:
            mine = {"p_task_id": task_id, "p_actor": actor}
            if not self._rt.writes_lock_database:
                # a no-op conditional UPDATE: it locks the row, so a claim racing this completion waits for it
                # and then finds the task closed, and a claim that came first makes this completion a Conflict
                locked = session.execute(_LOCK_MINE, mine)
                task_row, row = self._open_task_and_case(session, task_id)
                if locked.rowcount != 1:
                    raise Conflict(_held_by(task_row.assignee))
            else:
                task_row, row = self._open_task_and_case(session, task_id)
                if task_row.assignee not in (None, actor):
                    raise Conflict(_held_by(task_row.assignee))
            if validate:
                data = self._validated(session, task_row, data)
            row, wf, pspec, se = self._rt.load(session, row.id, row=row)
            stored = mirror_of(wf, pspec).without_task(task_id)  # this transaction completes that open task row
            wf.refresh_timers()
            task = wf.get_task_from_id(uuid.UUID(task_id))
            if task is None or task.state != TaskState.READY or _interrupting_timer_ready(wf):
                raise Conflict("the task is no longer open: a deadline or another event moved the case on")
            task.data.update(jsonable(data))
            task.data["completed_by"] = actor  # who did it, for the records a following step keeps (e.g. a phone fix)
            task.run()
            step = self._rt.step(session, row, wf, se, actor)
            now = self._rt.now()
            # compare-and-set: still open and ours (on SQLite this is the transaction's first write); the 采集表's
            # answers (RECORDED_FIELDS) are kept on the task's summary so the office's list is one query
            recorded = {k: data[k] for k in RECORDED_FIELDS if k in data}
            changes = {"status": "completed", "completed_at": now, "completed_by": actor}
            if recorded:
                changes["summary"] = jsonable({**(task_row.summary or {}), **recorded})
                done = session.execute(_CLOSE_MINE_WITH_SUMMARY, {**mine, "p_at": now, "p_summary": changes["summary"]})
            else:
                done = session.execute(_CLOSE_MINE, {**mine, "p_at": now})
            if done.rowcount != 1:
                session.refresh(task_row)
                raise Conflict(_held_by(task_row.assignee) if task_row.status == "open"
                               else f"the task is no longer open ({task_row.status})")
            for name, value in changes.items():
                so.attributes.set_committed_value(task_row, name, value)
            leave_inbox(session, task_id)
            session.add(HistoryEvent(instance_id=row.id, at=now, kind="task_completed",
                                     activity_id=task_row.activity_id, activity_name=task_row.name, actor=actor,
                                     details={"task_id": task_id, "fields": sorted(data)}))
            self._rt.save(session, row, wf, pspec, se, actor, stored=stored, step=step)
            session.flush()
            return row.id

    def _open_task_and_case(self, session, task_id: str) -> tuple[HumanTask, Instance]:
        """The open task's row and its case's, in one statement (NotFound / Conflict as ``_open_task``)."""
        found = session.execute(_OPEN_TASK_AND_CASE, {"p_task_id": task_id}).first()
        if found is None:
            raise NotFound(f"no task {task_id}", field="id")
        task_row, row = found
        _check_open(task_row)
        return task_row, row

    def _validated(self, session, task_row: HumanTask, data: dict) -> dict:
        """The task's form data, checked against its form (InvalidInput with each field and its reason)."""
        from .. import queries
        from ..forms import validate_submission

        form = queries.form_for(self._rt, session, task_row.form_ref, task_row.locality) if task_row.form_ref else None
        return validate_submission(form, data) if form else data

    def deliver_message(self, name: str, business_key: str, payload: dict | None = None, *,
                        locality: str | None = None, actor: str = "system") -> list[str]:
        """Deliver message ``name`` to every instance with ``business_key`` waiting for it."""
        with self._rt.transaction() as session:
            q = sa.select(Subscription).where(Subscription.message_name == name,
                                               Subscription.business_key == business_key)
            if locality:
                q = q.where(Subscription.locality_path.like(f"%/{locality}/%"))
            subs = session.scalars(q).all()
            instance_ids = sorted({s.instance_id for s in subs})
            if not instance_ids:
                raise NotFound(f"no case with business key {business_key} is waiting for message '{name}'",
                               field="business_key")
            for instance_id in instance_ids:
                row, wf, pspec, se = self._rt.load(session, instance_id)
                stored = mirror_of(wf, pspec)
                event = BpmnEvent(MessageEventDefinition(name), {"payload": jsonable(payload or {}),
                                                                 "result_var": name})
                wf.catch(event)
                session.add(HistoryEvent(instance_id=row.id, at=self._rt.now(), kind="message_received",
                                         activity_name=name, actor=actor, details={"message": name}))
                self._rt.advance(session, row, wf, pspec, se, actor, stored=stored)
            return instance_ids

    def cancel(self, instance_id: str, reason: str, actor: str) -> None:
        with self._rt.transaction() as session:
            row, wf, _pspec, _se = self._rt.load(session, instance_id)
            if row.status != "running":
                raise Conflict(f"the instance is already {row.status}")
            wf.cancel()
            now = self._rt.now()
            row.status, row.ended_at, row.cancel_reason, row.updated_at = "cancelled", now, reason, now
            row.state = self._rt.serializer.dumps(wf)
            row.waiting_in = []
            session.execute(sa.update(HumanTask).where(HumanTask.instance_id == row.id, HumanTask.status == "open")
                            .values(status="cancelled", completed_at=now))
            mirror_inbox(session, row.id, ())
            session.execute(sa.update(Job).where(Job.instance_id == row.id,
                                                 Job.status.in_(("ready", "running", "incident")))
                            .values(status="cancelled", updated_at=now))
            session.execute(sa.delete(Subscription).where(Subscription.instance_id == row.id))
            session.add(HistoryEvent(instance_id=row.id, at=now, kind="cancelled", actor=actor,
                                     details={"reason": reason}))

    def _open_task(self, session, task_id: str) -> HumanTask:
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"no task {task_id}", field="id")
        _check_open(task)
        return task


def _check_open(task: HumanTask) -> None:
    if task.status != "open":
        by = f" by {task.completed_by}" if task.completed_by else ""
        raise Conflict(f"the task is no longer open ({task.status}{by})")


def _held_by(holder: str | None) -> str:
    if holder is None:  # given back between our UPDATE and this read
        return "该任务的认领刚刚发生变化，请刷新后重试 (the task's assignment just changed; reload and try again)"
    return f"该任务已由 {holder} 认领，请联系其退回后再办理 (the task is claimed by {holder})"


def _interrupting_timer_ready(wf) -> bool:
    """An interrupting timer (a boundary event) has come due and waits to run: the task it interrupts is not open.
    The fired timer is READY: a scan of the tasks, not a walk of the tree (every READY task is on the walk)."""
    for t in all_tasks(wf):
        if t._state == TaskState.READY and getattr(t.task_spec, "cancel_activity", False) \
                and isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition):
            return True
    return False


def _start_form(pspec) -> str | None:
    """The form of the process's start event (``camunda:formRef``), if it has one."""
    for ts in pspec.spec.task_specs.values():
        if isinstance(ts, StartEvent) and (getattr(ts, "extensions", None) or {}).get("formRef"):
            return ts.extensions["formRef"]
    return None
