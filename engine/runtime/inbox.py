"""The clerks' inbox table: one row per (open human task, candidate group), keyed for the task list.

The list a clerk opens most (their groups' open tasks of their county, due first) is read from ``inbox`` by
``engine/queries.py`` (``task_page``); this module is its one writer. The mirror of a case's wait states calls
``mirror_inbox`` in the transaction that opens or closes the case's tasks, and cancelling a case calls it with no
task open, so the rows of a case are always those of its open tasks: a completed, cancelled or moved-on task (one
whose next step belongs to another group) leaves every group's inbox at once.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from ..store.models import HumanTask, InboxEntry


def mirror_inbox(session, instance_id: str, open_ids: Iterable[str], opened: Iterable[HumanTask] = (), *,
                 nothing_stored: bool = False) -> None:
    """Make the case's inbox rows those of its open tasks ``open_ids``: delete the rows of any other task of the
    case, and add one row per candidate group for each task row ``opened`` in this transaction (already flushed).
    ``nothing_stored``: the case is new, no row of it can exist yet (the delete is skipped)."""
    if not nothing_stored:
        stale = sa.delete(InboxEntry).where(InboxEntry.instance_id == instance_id)
        keep = sorted(set(open_ids))
        if keep:
            stale = stale.where(InboxEntry.task_id.not_in(keep))
        session.execute(stale, execution_options={"synchronize_session": False})
    rows = [{"task_id": t.id, "group": g, "instance_id": instance_id, "locality_path": t.locality_path,
             "due_at": t.due_at, "created_at": t.created_at}
            for t in opened for g in dict.fromkeys(t.candidate_groups or [])]
    if rows:
        session.execute(sa.insert(InboxEntry), rows)


def leave_inbox(session, task_id: str) -> None:
    """The task's rows leave every inbox: the command closed the task row itself (a completion), so the mirror,
    which writes only what differs from that, does not see it go."""
    session.execute(sa.delete(InboxEntry).where(InboxEntry.task_id == task_id),
                    execution_options={"synchronize_session": False})
