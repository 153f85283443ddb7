"""Moving running cases to a newer version of their process, in bulk.

Elements map by id unless a mapping renames them. A case moves when every element its state refers to
(wait states and history) exists in the target version with the same kind, and its wait states are in
the main process (not inside a sub-process or multi-instance body). The moved case keeps its data and
history; what follows each wait state is predicted again from the target version. Each refusal names
the reason; each move is recorded in the case's history.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from SpiffWorkflow import TaskState

from .errors import InvalidInput, NotFound
from .store.models import Definition, HistoryEvent, HumanTask, Instance, Job
from .sync import activity_label, sync_instance, waiting_states

_PREDICTED = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE


@dataclass
class MigrationOutcome:
    instance_id: str
    business_key: str
    from_activities: list[str]
    to_activities: list[str] = field(default_factory=list)
    outcome: str = "move"
    reason: str = ""


class MigrationOps:
    def migrate_instances(self, from_definition: int, to_definition: int, mappings: dict[str, str] | None,
                          *, dry_run: bool, actor: str, instance_ids: list[str] | None = None) -> list[MigrationOutcome]:
        mappings = dict(mappings or {})
        with self.reading() as session:
            source, target = session.get(Definition, from_definition), session.get(Definition, to_definition)
            if source is None or target is None:
                raise NotFound(f"no definition {from_definition if source is None else to_definition}", field="id")
            if (source.kind, source.key) != (target.kind, target.key) or source.kind != "bpmn":
                raise InvalidInput("both versions must be of one process", errors={
                    "to_definition": [f"{target.kind} {target.key} is not a version of {source.kind} {source.key}"]})
            q = sa.select(Instance.id).where(Instance.definition_id == source.id, Instance.status == "running")
            if instance_ids:
                q = q.where(Instance.id.in_(instance_ids))
            ids = list(session.scalars(q.order_by(Instance.started_at)))
        outcomes = []
        for instance_id in ids:
            try:
                with self.transaction() as session:
                    outcome = self._migrate_one(session, instance_id, target, mappings, actor)
                    if dry_run or outcome.outcome != "move":
                        session.rollback()
            except Exception as exc:  # one case's failure is its own refusal, never the whole batch's
                outcome = MigrationOutcome(instance_id, "", [], outcome="refuse", reason=f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
        return outcomes

    def _migrate_one(self, session, instance_id, target: Definition, mappings, actor) -> MigrationOutcome:
        row = session.get(Instance, instance_id)
        human, external, timers, messages = waiting_states(self.load(session, instance_id, row=row)[1])
        waiting = [t.task_spec.bpmn_id for t in (*human, *external, *timers, *messages)]
        outcome = MigrationOutcome(row.id, row.business_key, waiting)
        seq = self.definitions.latest_seq(session)
        subs = self.resolve_called(session, target, row.locality, seq)
        old_subs = row.subprocess_definitions
        moved = Instance(id=row.id, definition_id=target.id, subprocess_definitions=subs)
        pspec = self.process_spec(session, moved)
        specs = pspec.spec.task_specs
        state = json.loads(row.state)
        if state.get("subprocesses"):
            outcome.outcome, outcome.reason = "refuse", "the case waits inside a sub-process or multi-instance body"
            return outcome
        old_row_spec = self.process_spec(session, row).spec.task_specs
        _prune_predicted(state)
        for task in state["tasks"].values():
            old_name = task["task_spec"]
            new_name = mappings.get(old_name, old_name)
            if new_name not in specs:
                where = "a wait state" if old_name in waiting else "an element the case already passed"
                outcome.outcome = "refuse"
                outcome.reason = f"{old_name} ({where}) does not exist in version {target.version}; map it to an element"
                return outcome
            old_type = type(old_row_spec[old_name]).__name__ if old_name in old_row_spec else None
            if old_name in waiting and old_type and type(specs[new_name]).__name__ != old_type:
                outcome.outcome = "refuse"
                outcome.reason = f"{old_name} is a {old_type} but {new_name} is a {type(specs[new_name]).__name__}"
                return outcome
            task["task_spec"] = new_name
        wf = self.serializer.loads(json.dumps(state), pspec.spec, pspec.subprocess_specs)
        wf.script_engine = se = self.script_engine(session, row)
        for task in list(wf.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.WAITING)):
            task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
        outcome.to_activities = [mappings.get(a, a) for a in waiting]
        now = self.now()
        row.definition_id, row.subprocess_definitions = target.id, subs
        sync_instance(self, session, row, wf, pspec, se, now, actor)
        _rename_open_rows(session, row.id, wf)
        row.state = self.serializer.dumps(wf)
        session.add(HistoryEvent(instance_id=row.id, at=now, kind="migrated", actor=actor, details={
            "to_definition": target.id, "to_version": target.version, "mappings": mappings,
            "from_subprocesses": old_subs}))
        return outcome


def _prune_predicted(state: dict) -> None:
    """Forget the tasks Spiff only predicted (not reached yet): the target version predicts its own."""
    tasks = state["tasks"]
    gone = {tid for tid, t in tasks.items() if t["state"] & _PREDICTED}
    for tid in gone:
        tasks.pop(tid)
    for t in tasks.values():
        t["children"] = [c for c in t["children"] if c not in gone]


def _rename_open_rows(session, instance_id: str, wf) -> None:
    """Open task and job rows keep their ids across a move; give them the target version's element."""
    from uuid import UUID

    for model in (HumanTask, Job):
        rows = session.scalars(sa.select(model).where(model.instance_id == instance_id,
                                                      model.status.in_(("open", "ready", "running", "incident"))))
        for r in rows:
            task = wf.get_task_from_id(UUID(r.task_id if model is Job else r.id))
            if task is None:
                continue
            r.activity_id = task.task_spec.bpmn_id
            if model is HumanTask:
                r.name = activity_label(task)
                ext = task.task_spec.extensions or {}
                r.form_ref = ext.get("formRef")
            else:
                r.activity_name = activity_label(task)
