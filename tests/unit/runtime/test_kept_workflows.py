"""The runtime keeps the workflow each save serialised, so the next command on the case need not restore it again.
It may only ever hand back a workflow equal to the stored state: a rolled-back command and another process's
write must both leave the next command on what the database holds."""
from __future__ import annotations

import sqlalchemy as sa
from SpiffWorkflow import TaskState

from engine.store.models import HumanTask, Instance
from tests.unit.runtime.test_async_after import _database, _deploy, _engine, _open_tasks


def _open_task_id(eng, iid) -> str:
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == iid, HumanTask.status == "open"))


def _status(eng, iid) -> str:
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(Instance.status).where(Instance.id == iid))


class _Undo(Exception):
    pass


def test_a_completion_whose_transaction_rolls_back_leaves_the_next_command_on_the_stored_state():
    calls = []
    eng = _engine(_database(), calls)
    _deploy(eng, marked="none")
    iid = eng.start("aa_probe", "000000", "bk-1", {}, "test")
    rt = eng.runtime
    try:  # a command that runs the case past the clerk's task and saves, then fails before it commits
        with rt.transaction() as session:
            row, wf, pspec, se = rt.load(session, iid)
            [task] = [t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "Task_check"]
            task.data["checked"] = True
            task.run()
            rt.advance(session, row, wf, pspec, se, "clerk")
            raise _Undo()
    except _Undo:
        pass
    assert _open_tasks(eng, iid) == ["审核"] and len(calls) == 1   # the handler ran; nothing of the step stayed

    assert eng.complete_task(_open_task_id(eng, iid), {"checked": True}, "clerk") == iid
    assert _open_tasks(eng, iid) == ["归档"] and len(calls) == 2   # the completion ran the case again from 审核


def test_a_case_another_process_moved_on_is_restored_from_the_database_not_from_what_this_one_kept():
    db, calls = _database(), []
    here = _engine(db, calls)
    _deploy(here, marked="none")
    iid = here.start("aa_probe", "000000", "bk-1", {}, "test")     # this process keeps the case at 审核
    there = _engine(db, calls, worker_id="w2")
    assert there.complete_task(_open_task_id(there, iid), {"checked": True}, "clerk") == iid
    assert _open_tasks(here, iid) == ["归档"]

    assert here.complete_task(_open_task_id(here, iid), {}, "clerk") == iid
    assert _status(here, iid) == "completed" and len(calls) == 1
