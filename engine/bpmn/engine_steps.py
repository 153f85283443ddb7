"""SpiffWorkflow's ``do_engine_steps`` without walking the task tree when the answer is already known.

``BpmnWorkflow.do_engine_steps`` finds the READY tasks to run by walking the whole task tree (``get_tasks``,
depth first, every completed task included) once per workflow per pass, and it passes again until a pass runs
nothing: most walks find nothing or exactly one task. Here each walk is preceded by a scan of the workflow's task
table (a dict: no tree, no children lists): no READY task, no walk; exactly one, it is the walk's answer; several,
the walk decides their order as before. Every other step (sub-processes deepest first, their parent task updated
after them, the passes, the timers refreshed at the end) is SpiffWorkflow 3.2.0's, in its order.

A READY task is always reachable by the walk (its ancestors are finished or running, never predicted), so the
scan's set equals the walk's. The same holds for the walk SpiffWorkflow makes after every completion to update the
WAITING tasks (``skip_idle_waits``). Only the engine's workflows run this way (the bench's plain SpiffWorkflow does
not); ``tests/unit/bpmn/test_engine_steps.py`` runs both on one diagram and compares the order and the end state.
"""
from __future__ import annotations

from functools import partial

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState

READY = TaskState.READY
WAITING = TaskState.WAITING
# a WAITING join or catching event, updated, changes only its own state (a join cancels the other WAITING tasks of
# its spec: there are none when it is the only one): no other task becomes WAITING for the walk to update as well
_UPDATED_ALONE = (UnstructuredJoin, CatchingEvent)


def do_engine_steps(wf) -> None:
    """As ``wf.do_engine_steps()``: run every READY task that is not manual until none is left, then refresh the
    timers."""
    while _engine_pass(wf):
        pass
    wf.refresh_timers()


def skip_idle_waits(wf) -> None:
    """Give ``wf`` and each of its sub-processes an ``update_waiting_tasks`` that does not walk the task tree when
    a scan of its tasks knows the answer. SpiffWorkflow calls it after every task that completes, and it walks the
    whole tree to update each WAITING task (joins, catching events): mostly there is none, or one join or event.
    Otherwise the walk runs as before. Sub-processes started later get it at the next pass of ``do_engine_steps``."""
    for w in (wf, *wf.subprocesses.values()):
        if "update_waiting_tasks" not in vars(w):
            w.update_waiting_tasks = partial(_update_waiting_tasks, w)


def _update_waiting_tasks(wf) -> None:
    waiting = [t for t in wf.tasks.values() if t._state == WAITING]  # the walk visits only this workflow's tasks
    if len(waiting) == 1 and isinstance(waiting[0].task_spec, _UPDATED_ALONE):
        waiting[0].task_spec._update(waiting[0])  # the walk's one call: it finds no other task WAITING after it
    elif waiting:
        type(wf).update_waiting_tasks(wf)


def ready_tasks(wf) -> list:
    """The READY tasks that are not manual in ``wf`` and the sub-processes inside it (any order)."""
    found = [t for t in wf.tasks.values() if t._state == READY and not t.task_spec.manual]
    top = wf.top_workflow
    for sub in top.subprocesses.values():
        if sub is not wf and (wf is top or _inside(sub, wf)):
            found.extend(t for t in sub.tasks.values() if t._state == READY and not t.task_spec.manual)
    return found


def _inside(sub, wf) -> bool:
    parent = sub.parent_workflow
    while parent is not None:
        if parent is wf:
            return True
        parent = parent.parent_workflow
    return False


def _run_ready(wf) -> int:
    tasks = ready_tasks(wf)
    if len(tasks) > 1:  # the order is the walk's (depth first), as SpiffWorkflow runs them
        tasks = [t for t in wf.get_tasks(state=READY) if not t.task_spec.manual]
    for task in tasks:
        task.run()
    return len(tasks)


def _engine_pass(wf) -> bool:
    """``BpmnWorkflow._do_engine_steps`` (without its callbacks, which the engine does not use)."""
    skip_idle_waits(wf)
    active = wf.get_active_subprocesses()
    for subprocess in sorted(active, key=lambda v: v.depth, reverse=True):
        while _run_ready(subprocess) > 0:
            pass
        if subprocess.parent_task_id is not None:
            task = wf.get_task_from_id(subprocess.parent_task_id)
            task.task_spec._update(task)
    count = _run_ready(wf)
    return count > 0 or len(wf.get_active_subprocesses()) > len(active)
