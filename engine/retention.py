"""History that does not grow for ever: the history (and finished jobs) of cases that ended longer ago than their
locality's ``history.retention_days`` are removed, a batch per transaction, so the cleanup never holds long locks.

Running cases keep all of their history; so does every case of a locality without the setting. The audit log is
not history: it is kept whatever the setting says.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from .store.models import HistoryEvent, Instance, Job

log = logging.getLogger("retire.retention")

BATCH = 1000


def retention_days(engine, locality: str) -> int | None:
    """The locality's ``history.retention_days`` (inherited along its chain), None to keep history for ever."""
    days = (engine.localities.settings(locality).get("history") or {}).get("retention_days")
    return int(days) if days else None


def _ended_before(locality: str, cutoff):
    return sa.select(Instance.id).where(Instance.locality == locality, Instance.status != "running",
                                        Instance.ended_at.is_not(None), Instance.ended_at < cutoff)


def cleanup_history(engine, *, batch: int = BATCH, max_batches: int | None = None) -> int:
    """Remove the history of cases finished longer ago than their locality keeps it → history events removed."""
    removed, batches = 0, 0
    now = engine.now()
    for locality in sorted(engine.localities.all()):
        days = retention_days(engine, locality)
        if not days:
            continue
        ended = _ended_before(locality, now - timedelta(days=days))
        for table, where in ((HistoryEvent, HistoryEvent.instance_id.in_(ended)),
                             (Job, sa.and_(Job.instance_id.in_(ended), Job.status == "done"))):
            while max_batches is None or batches < max_batches:
                with engine.transaction() as session:
                    ids = session.scalars(sa.select(table.id).where(where).order_by(table.id).limit(batch)).all()
                    if ids:
                        session.execute(sa.delete(table).where(table.id.in_(ids))
                                        .execution_options(synchronize_session=False))
                batches += 1
                if table is HistoryEvent:
                    removed += len(ids)
                if len(ids) < batch:
                    break
    if removed:
        log.info("removed %d history event(s) of cases finished before their retention period", removed)
    return removed
