"""Saving a case: its row is a compare-and-set on its version, and the rows of its save go in few statements."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa

from engine.errors import Conflict
from engine.runtime.inbox import leave_inbox
from engine.runtime.mirror import mirror_of
from engine.store.models import HistoryEvent, HumanTask, InboxEntry, Instance
from tests.support.people import person


def _started(eng, roster, probe):
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=21))
    iid = eng.start(probe, "340722", "BK-21", {"id_number": p["id_number"], "name": p["name"],
                                               "bank_card": p["bank_card"]}, "test")
    with eng.runtime.reading() as s:
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
    return iid, task_id


def _counts(eng, iid):
    with eng.runtime.reading() as s:
        row = s.get(Instance, iid)
        history = s.scalar(sa.select(sa.func.count()).select_from(HistoryEvent).where(HistoryEvent.instance_id == iid))
        inbox = s.scalar(sa.select(sa.func.count()).select_from(InboxEntry).where(InboxEntry.instance_id == iid))
        return row.version, row.state, history, inbox


def test_a_save_over_a_case_another_transaction_changed_meanwhile_is_a_conflict_and_writes_nothing(eng, roster, probe):
    iid, task_id = _started(eng, roster, probe)
    rt = eng.runtime
    with pytest.raises(Conflict):
        with rt.transaction() as s:
            row, wf, pspec, se = rt.load(s, iid)
            stored = mirror_of(wf, pspec).without_task(task_id)
            with rt.db.begin() as other:  # another command wrote the case after this one read it
                other.execute(sa.update(Instance.__table__).where(Instance.__table__.c.id == iid)
                              .values(version=Instance.__table__.c.version + 1))
            before = _counts(eng, iid)
            s.add(HistoryEvent(instance_id=iid, at=rt.now(), kind="task_completed", actor="test", details={}))
            wf.get_task_from_id(uuid.UUID(task_id)).run()
            step = rt.step(s, row, wf, se, "test")
            rt.save(s, row, wf, pspec, se, "test", stored=stored, step=step)
    assert _counts(eng, iid) == before
    with rt.reading() as s:
        assert s.get(HumanTask, task_id).status == "open"


def test_a_save_writes_the_case_row_once_and_leaves_it_clean_in_the_session(eng, roster, probe):
    iid, task_id = _started(eng, roster, probe)
    rt = eng.runtime
    version, state, history, inbox = _counts(eng, iid)
    assert inbox == 1
    with rt.transaction() as s:
        row, wf, pspec, se = rt.load(s, iid)
        stored = mirror_of(wf, pspec)
        s.add(HistoryEvent(instance_id=iid, at=rt.now(), kind="message_received", actor="test", details={}))
        rt.save(s, row, wf, pspec, se, "test", stored=stored, step=rt.step(s, row, wf, se, "test"))
        assert row not in s.dirty and not s.new and row.version == version  # nothing changed: nothing written
        s.add(HistoryEvent(instance_id=iid, at=rt.now(), kind="task_completed", actor="test", details={}))
        s.execute(sa.update(HumanTask).where(HumanTask.id == task_id).values(status="completed"))
        leave_inbox(s, task_id)  # as Cases.complete_task: the command closes its task's row and its inbox rows
        wf.get_task_from_id(uuid.UUID(task_id)).run()
        rt.save(s, row, wf, pspec, se, "test", stored=stored.without_task(task_id),
                step=rt.step(s, row, wf, se, "test"))
        assert row not in s.dirty and not s.new and row.version == version + 1
    after, new_state, history_after, inbox = _counts(eng, iid)
    assert after == version + 1 and new_state != state and history_after == history + 2
    assert inbox == 0
