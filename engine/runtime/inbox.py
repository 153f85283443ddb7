"""The clerks' inbox table: one row per (open human task, candidate group), keyed for the task list.

The list a clerk opens most (their groups' open tasks of their county, due first) is read from ``inbox`` by
``engine/queries.py`` (``task_page``); this module is its one writer. The mirror of a case's wait states calls
``mirror_inbox`` in the transaction that opens or closes the case's tasks, and cancelling a case calls it with no
task open, so the rows of a case are always those of its open tasks: a completed, cancelled or moved-on task (one
whose next step belongs to another group) leaves every group's inbox at once.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

import sqlalchemy as sa

from ..store.models import HumanTask, InboxEntry

_INBOX = InboxEntry.__table__
_INSERT = _INBOX.insert()


def mirror_inbox(session, instance_id: str, open_ids: Iterable[str], opened: Iterable[HumanTask | dict] = (), *,
                 nothing_stored: bool = False, closed: Iterable[str] | None = None) -> None:
    """Make the case's inbox rows those of its open tasks ``open_ids``: delete the rows of any other task of the
    case, and add one row per candidate group for each task row ``opened`` in this transaction (already written;
    a HumanTask or its columns).
    ``nothing_stored``: the case is new, no row of it can exist yet (the delete is skipped).
    ``closed``: the caller knows the case's rows are those of its tasks open before this transaction, and these
    are the ones of them no longer open: only their rows are deleted (none: no delete at all)."""
    conn = session.connection()
    if closed is not None:
        closed = list(closed)
        if closed and not nothing_stored:
            conn.execute(_delete_tasks(), [{"b_task_id": task_id} for task_id in closed])
    elif not nothing_stored:
        keep = sorted(set(open_ids))
        conn.execute(_delete_others(bool(keep)), {"b_instance_id": instance_id, "b_keep": keep} if keep else
                     {"b_instance_id": instance_id})
    rows = [{"task_id": t["id"], "group": g, "instance_id": instance_id, "locality_path": t["locality_path"],
             "due_at": t["due_at"], "created_at": t["created_at"]}
            for t in map(_columns, opened) for g in dict.fromkeys(t["candidate_groups"] or [])]
    if rows:
        conn.execute(_INSERT, rows)


def _columns(task: HumanTask | dict) -> dict:
    if isinstance(task, dict):
        return task
    return {"id": task.id, "locality_path": task.locality_path, "due_at": task.due_at, "created_at": task.created_at,
            "candidate_groups": task.candidate_groups}


@functools.cache
def _delete_others(keeping: bool):
    """The case's rows, but for those of the tasks kept (built once: building a statement costs more than running
    it on SQLite)."""
    stale = _INBOX.delete().where(_INBOX.c.instance_id == sa.bindparam("b_instance_id"))
    if keeping:
        stale = stale.where(_INBOX.c.task_id.not_in(sa.bindparam("b_keep", expanding=True)))
    return stale


@functools.cache
def _delete_tasks():
    return _INBOX.delete().where(_INBOX.c.task_id == sa.bindparam("b_task_id"))


def leave_inbox(session, task_id: str) -> None:
    """The task's rows leave every inbox: the command closed the task row itself (a completion), so the mirror,
    which writes only what differs from that, does not see it go."""
    session.connection().execute(_delete_tasks(), {"b_task_id": task_id})
