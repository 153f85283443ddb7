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


# ---- reads for pages (engine.queries.task_data, variables_of) -------------------------------------------------

def _counting_restores(rt) -> list:
    restores = []
    loads = rt.serializer.loads

    def counted(*args, **kwargs):
        restores.append(1)
        return loads(*args, **kwargs)
    rt.serializer.loads = counted
    return restores


def _task_data(eng, task_id) -> dict:
    from engine import queries

    with eng.runtime.reading() as s:
        return queries.task_data(eng.runtime, s, s.get(HumanTask, task_id))


def test_a_read_of_a_task_leaves_the_kept_workflow_for_the_next_command():
    eng = _engine(_database(), [])
    _deploy(eng, marked="none")
    iid = eng.start("aa_probe", "000000", "bk-1", {"seen": "yes"}, "test")
    restores = _counting_restores(eng.runtime)
    task_id = _open_task_id(eng, iid)

    assert _task_data(eng, task_id)["seen"] == "yes"
    assert eng.complete_task(task_id, {"checked": True}, "clerk") == iid
    assert restores == []                      # neither the read nor the command restored the case
    assert _open_tasks(eng, iid) == ["归档"]


def test_a_read_of_a_case_whose_workflow_is_not_kept_restores_a_copy_the_next_command_takes():
    eng = _engine(_database(), [])
    _deploy(eng, marked="none")
    iid = eng.start("aa_probe", "000000", "bk-1", {"seen": "yes"}, "test")
    eng.runtime._live.clear()                  # as after a restart
    restores = _counting_restores(eng.runtime)
    task_id = _open_task_id(eng, iid)

    assert _task_data(eng, task_id)["seen"] == "yes"
    assert _task_data(eng, task_id)["seen"] == "yes"
    assert eng.complete_task(task_id, {"checked": True}, "clerk") == iid
    assert len(restores) == 1                  # the first read restored it; the second read and the command did not


def test_a_read_while_a_command_holds_the_workflow_sees_the_stored_state_not_the_half_changed_one():
    eng = _engine(_database(), [])
    _deploy(eng, marked="none")
    iid = eng.start("aa_probe", "000000", "bk-1", {"seen": "yes"}, "test")
    rt = eng.runtime
    task_id = _open_task_id(eng, iid)
    with rt.transaction() as session:          # a command has taken the case and changed it, not yet saved
        _row, wf, _pspec, _se = rt.load(session, iid)
        [task] = [t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == "Task_check"]
        task.data["seen"] = "changed"
        assert _task_data(eng, task_id)["seen"] == "yes"
        session.rollback()
    assert _task_data(eng, task_id)["seen"] == "yes"


def test_a_command_waits_for_a_read_of_the_kept_workflow_to_finish_before_taking_it():
    import threading

    eng = _engine(_database(), [])
    _deploy(eng, marked="none")
    iid = eng.start("aa_probe", "000000", "bk-1", {"seen": "yes"}, "test")
    rt = eng.runtime
    taken = threading.Event()

    def take():
        with rt.transaction() as session:
            rt.load(session, iid)
            taken.set()

    def slow_read(wf):
        command = threading.Thread(target=take)
        command.start()
        assert not taken.wait(0.3)             # the command cannot take the workflow while the read holds it
        return wf, command

    with rt.reading() as s:
        wf, command = rt.read_case(s, iid, slow_read)
    command.join(5)
    assert taken.is_set() and wf.get_tasks(state=TaskState.READY)
