"""Completing a human task: one transaction that closes the task row only while it is open and the actor's."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from engine.errors import Conflict, NotFound
from engine.store.models import HistoryEvent, HumanTask, Instance
from tests.support.people import person


def _open_task(eng, roster, probe, seq: int) -> tuple[str, str]:
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=seq))
    iid = eng.start(probe, "340722", f"BK-complete-{seq}", {"id_number": p["id_number"], "name": p["name"],
                                                          "bank_card": p["bank_card"]}, "test")
    with eng.runtime.reading() as s:
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
    return iid, task_id


def _case(eng, iid: str) -> tuple[int, list[str]]:
    with eng.runtime.reading() as s:
        row = s.get(Instance, iid)
        kinds = s.scalars(sa.select(HistoryEvent.kind).where(HistoryEvent.instance_id == iid)
                          .order_by(HistoryEvent.id)).all()
        return row.version, kinds


def test_a_completion_closes_the_task_keeps_the_recorded_answers_on_its_summary_and_moves_the_case_on(
        eng, roster, probe):
    iid, task_id = _open_task(eng, roster, probe, 71)
    with eng.runtime.reading() as s:
        before = dict(s.get(HumanTask, task_id).summary or {})
    assert eng.complete_task(task_id, {"decision": "approve", "file_pages": 12}, "zy_hrss") == iid
    with eng.runtime.reading() as s:
        task = s.get(HumanTask, task_id)
        assert (task.status, task.completed_by) == ("completed", "zy_hrss") and task.completed_at is not None
        assert task.summary == {**before, "file_pages": 12}
        assert s.get(Instance, iid).waiting_in != ["Task_approve"]
    _version, kinds = _case(eng, iid)
    assert kinds[0] == "started" and "task_completed" in kinds


def test_a_completion_without_recorded_answers_leaves_the_summary_as_it_was(eng, roster, probe):
    _iid, task_id = _open_task(eng, roster, probe, 72)
    with eng.runtime.reading() as s:
        before = s.get(HumanTask, task_id).summary
    eng.complete_task(task_id, {"decision": "approve"}, "zy_hrss")
    with eng.runtime.reading() as s:
        assert s.get(HumanTask, task_id).summary == before


def test_completing_a_task_another_clerk_holds_is_a_conflict_naming_them_and_changes_nothing(eng, roster, probe):
    iid, task_id = _open_task(eng, roster, probe, 73)
    eng.claim(task_id, "zy_clerk_a")
    before = _case(eng, iid)
    with pytest.raises(Conflict, match="zy_clerk_a"):
        eng.complete_task(task_id, {"decision": "approve"}, "zy_clerk_b")
    assert _case(eng, iid) == before
    with eng.runtime.reading() as s:
        task = s.get(HumanTask, task_id)
        assert (task.status, task.assignee) == ("open", "zy_clerk_a")
    eng.complete_task(task_id, {"decision": "approve"}, "zy_clerk_a")


def test_completing_a_task_twice_or_an_unknown_task_is_refused(eng, roster, probe):
    _iid, task_id = _open_task(eng, roster, probe, 74)
    eng.complete_task(task_id, {"decision": "approve"}, "zy_hrss")
    with pytest.raises(Conflict, match="no longer open"):
        eng.complete_task(task_id, {"decision": "approve"}, "zy_hrss")
    with pytest.raises(NotFound):
        eng.complete_task("00000000-0000-4000-8000-000000000000", {"decision": "approve"}, "zy_hrss")
