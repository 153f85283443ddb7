"""Moving running cases to a newer version of their process, in bulk.

The target version's called processes are resolved for the case's locality as at a start. Elements map by
id unless a mapping renames them (``{old: new}``; ``{"process:old": new}`` when an id is used by more than
one process of the version). A case moves when every element its state refers to (wait states and history,
in the main process and in each sub-process or called process it started) exists in the spec it will run
under in the target (the main process, the embedded sub-process, or the called process's target version),
with the same kind where the case is at it; a multi-instance or loop body moves only if the target counts
its instances the same way. The moved case keeps its data, history and open task / job ids; what follows
each wait state is predicted again from the target. Each refusal names the reason and where the element
was; each move is recorded in the case's history.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from SpiffWorkflow import TaskState

from .errors import InvalidInput, NotFound
from .case_migration_state import Refusal, Target, rewrite_state
from .store.models import Definition, HistoryEvent, HumanTask, Instance, Job
from .runtime.mirror import activity_label, all_tasks, mirror_instance, waiting_states


@dataclass
class CaseMigrationOutcome:
    instance_id: str
    business_key: str
    from_activities: list[str]
    to_activities: list[str] = field(default_factory=list)
    outcome: str = "move"
    reason: str = ""


class CaseMigrations:
    """Moving running cases from one version of their process to another."""

    def __init__(self, rt):
        self._rt = rt

    def migrate_instances(self, from_definition: int, to_definition: int, mappings: dict[str, str] | None,
                          *, dry_run: bool, actor: str, instance_ids: list[str] | None = None) -> list[CaseMigrationOutcome]:
        mappings = dict(mappings or {})
        with self._rt.reading() as session:
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
                with self._rt.transaction() as session:
                    outcome = self._migrate_one(session, instance_id, target, mappings, actor)
                    if dry_run or outcome.outcome != "move":
                        session.rollback()
            except Exception as exc:  # one case's failure is its own refusal, never the whole batch's
                outcome = CaseMigrationOutcome(instance_id, "", [], outcome="refuse", reason=f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
        return outcomes

    def _migrate_one(self, session, instance_id, target: Definition, mappings, actor) -> CaseMigrationOutcome:
        row = session.get(Instance, instance_id)
        continuations: list = []
        human, external, timers, messages = waiting_states(self._rt.load(session, instance_id, row=row)[1],
                                                           continuations)
        waiting = (*human, *external, *timers, *messages)
        outcome = CaseMigrationOutcome(row.id, row.business_key, [t.task_spec.bpmn_id for t in waiting])
        if continuations:  # the flows a job is yet to take are those of this version: never moved, never lost
            names = ", ".join(f"{t.task_spec.bpmn_id}（{activity_label(t)}）" for t in continuations)
            outcome.outcome, outcome.reason = "refuse", (
                f"案件在 {names} 完成后等待异步继续（camunda:asyncAfter），请待该作业执行后再迁移 / the case waits "
                f"for the continuation after {names} (camunda:asyncAfter); migrate it once that job has run")
            return outcome
        seq = self._rt.definitions.latest_seq(session)
        subs = self._rt.resolve_called(session, target.id, row.locality, seq)
        old_subs = row.subprocess_definitions
        pspec = self._rt.process_spec(session, Instance(id=row.id, definition_id=target.id, subprocess_definitions=subs))
        called_versions = {key: session.get(Definition, def_id).version for key, def_id in subs.items()}
        state = json.loads(row.state)
        try:
            rewrite_state(state, self._rt.process_spec(session, row),
                          Target(pspec.spec, pspec.subprocess_specs, target.version, called_versions),
                          mappings, {str(t.id) for t in waiting})
        except Refusal as refusal:
            outcome.outcome, outcome.reason = "refuse", str(refusal)
            return outcome
        wf = self._rt.serializer.loads(json.dumps(state), pspec.spec, pspec.subprocess_specs)
        wf.script_engine = se = self._rt.script_engine(session, row)
        for task in list(wf.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.WAITING)):
            task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
        now_waiting = waiting_states(wf)
        outcome.to_activities = [t.task_spec.bpmn_id for group in now_waiting for t in group]
        now = self._rt.now()
        row.definition_id, row.subprocess_definitions = target.id, subs
        mirror_instance(self._rt, session, row, wf, pspec, se, now, actor)
        _rename_open_rows(session, row.id, wf)
        row.state = self._rt.serializer.dumps(wf)
        session.add(HistoryEvent(instance_id=row.id, at=now, kind="migrated", actor=actor, details={
            "to_definition": target.id, "to_version": target.version, "mappings": mappings,
            "from_subprocesses": old_subs, "to_subprocesses": subs}))
        return outcome


def _rename_open_rows(session, instance_id: str, wf) -> None:
    """Open task and job rows keep their ids across a move; give them the target version's element
    (in the main process or any sub-process)."""
    tasks = {str(t.id): t for t in all_tasks(wf)}
    for model in (HumanTask, Job):
        rows = session.scalars(sa.select(model).where(model.instance_id == instance_id,
                                                      model.status.in_(("open", "ready", "running", "incident"))))
        for r in rows:
            task = tasks.get(r.task_id if model is Job else r.id)
            if task is None:
                continue
            r.activity_id = task.task_spec.bpmn_id
            if model is HumanTask:
                r.name = activity_label(task)
                ext = task.task_spec.extensions or {}
                r.form_ref = ext.get("formRef")
            else:
                r.activity_name = activity_label(task)
