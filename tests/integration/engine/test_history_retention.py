"""History of cases finished longer ago than the locality keeps it is removed, in batches; running cases and
recently finished ones keep all of theirs."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engine.retention import cleanup_history, retention_days
from engine.store.models import Definition, HistoryEvent, Instance, Job

ZY_PATH = "/000000/340000/340700/340722/"


def _case(eng, case_id: str, *, status: str, ended_days_ago: int | None, events: int) -> None:
    now = eng.runtime.now()
    with eng.runtime.transaction() as s:
        definition = s.scalars(sa.select(Definition.id).limit(1)).first()
        ended = now - timedelta(days=ended_days_ago) if ended_days_ago is not None else None
        s.add(Instance(id=case_id, process_key="probe", definition_id=definition, snapshot_seq=0, locality="340722",
                       locality_path=ZY_PATH, business_key=case_id, state="{}", status=status,
                       started_at=now - timedelta(days=4000), updated_at=now, ended_at=ended))
        s.flush()
        s.add_all([HistoryEvent(instance_id=case_id, at=now, kind="probe", details={}) for _ in range(events)])
        s.add(Job(instance_id=case_id, task_id=f"t-{case_id}", kind="timer", activity_id="x", activity_name="x",
                  locality="340722", locality_path=ZY_PATH, due_at=now, status="done", payload={}, created_at=now,
                  updated_at=now))


def _history(eng, case_id: str) -> int:
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(HistoryEvent).where(HistoryEvent.instance_id == case_id))


def test_the_national_setting_keeps_history_ten_years_unless_a_locality_says_otherwise(eng):
    assert retention_days(eng.runtime, "340722") == 3650


def test_only_the_history_of_cases_finished_before_the_retention_period_is_removed_in_batches(eng, monkeypatch):
    monkeypatch.setattr(eng.runtime.localities, "settings", lambda code: {"history": {"retention_days": 365}})
    _case(eng, "old-done", status="completed", ended_days_ago=400, events=25)
    _case(eng, "old-cancelled", status="cancelled", ended_days_ago=366, events=3)
    _case(eng, "recent-done", status="completed", ended_days_ago=300, events=4)
    _case(eng, "running", status="running", ended_days_ago=None, events=6)
    batches = []
    real = eng.runtime.transaction
    monkeypatch.setattr(eng.runtime, "transaction", lambda *a, **k: (batches.append(1), real(*a, **k))[1])

    assert cleanup_history(eng.runtime, batch=10) == 28
    assert len(batches) >= 3, "ten rows per transaction"
    assert _history(eng, "old-done") == 0 and _history(eng, "old-cancelled") == 0
    assert _history(eng, "recent-done") == 4 and _history(eng, "running") == 6
    with eng.runtime.reading() as s:
        jobs = dict(s.execute(sa.select(Job.instance_id, sa.func.count()).group_by(Job.instance_id)).all())
        assert s.get(Instance, "old-done") is not None, "the case itself stays, only its history goes"
    assert "old-done" not in jobs and jobs["recent-done"] == 1 and jobs["running"] == 1
    assert cleanup_history(eng.runtime, batch=10) == 0, "a second run finds nothing more"


def test_a_locality_without_a_retention_period_keeps_all_history(eng, monkeypatch):
    monkeypatch.setattr(eng.runtime.localities, "settings", lambda code: {})
    _case(eng, "ancient", status="completed", ended_days_ago=9000, events=2)
    assert cleanup_history(eng.runtime) == 0 and _history(eng, "ancient") == 2
