"""Sync skips the kinds of row whose mirror did not change; after every step the tables must still hold exactly
what the workflow waits in, for whole simulated months of both shipped localities."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from api.simulate import run_simulation
from engine.runtime.core import Runtime
from engine.store.models import HumanTask, Item, Job, Subscription
from engine.runtime.mirror import observe_items, parse_due, waiting_states

FINAL = ("done", "rejected", "not_applicable")


def _check_tables(session, row, wf, pspec) -> None:
    human, external, timers, messages = waiting_states(wf)
    open_tasks = set(session.scalars(sa.select(HumanTask.id).where(HumanTask.instance_id == row.id,
                                                                   HumanTask.status == "open")))
    assert open_tasks == {str(t.id) for t in human}, row.business_key
    subs = set(session.execute(sa.select(Subscription.task_id, Subscription.message_name)
                               .where(Subscription.instance_id == row.id)).all())
    assert subs == {(str(t.id), t.task_spec.event_definition.name) for t in messages}, row.business_key
    jobs = set(session.execute(sa.select(Job.task_id, Job.kind).where(
        Job.instance_id == row.id, Job.status.in_(("ready", "running", "incident")))).all())
    wanted = {(str(t.id), "service") for t in external}
    wanted |= {(str(t.id), "timer") for t in timers if parse_due(t._get_internal_data("event_value"))}
    assert jobs == wanted, row.business_key
    stored = dict(session.execute(sa.select(Item.item, Item.state).where(Item.instance_id == row.id)).all())
    for code, (state, _task) in observe_items(wf, pspec).items():
        assert stored.get(code) == state or (stored.get(code) in FINAL and state == "in_progress"), (
            row.business_key, code, stored.get(code), state)


@pytest.mark.slow
@pytest.mark.parametrize("locality", ["340722", "220000"])
def test_after_every_step_the_tables_hold_what_the_workflow_waits_in(tmp_path, monkeypatch, locality):
    real = Runtime.save  # every command stores the case through save, after its step
    checked, problems = [], []

    def advance_and_check(self, session, row, wf, pspec, se, actor=None, **kw):
        real(self, session, row, wf, pspec, se, actor, **kw)
        session.flush()
        try:
            _check_tables(session, row, wf, pspec)
        except AssertionError as exc:  # a job would turn it into a retry: keep it for the end
            problems.append(exc)
            raise
        checked.append(kw.get("stored") is not None)

    monkeypatch.setattr(Runtime, "save", advance_and_check)
    summary = run_simulation(locality=locality, start="2026-01-05", days=35, people=80,
                             database_url=f"sqlite:///{tmp_path / 'mirror.db'}", echo=lambda _line: None)
    assert not problems, problems[:3]
    assert summary["cases_completed"] > 0 and summary["incidents"] == 0
    assert sum(checked) > 40, "the steps went through the mirror path"  # service tasks run inline: fewer saves
