"""Ledger adapter for 人社局: acceptances, monthly batches, retirement approvals."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from .connection import begin, insert_ignoring
from .once import find, insert_once_or_fail
from .schema import acceptances, approvals, batches

_ACCEPTANCE_COLUMNS = ("business_key", "id_number", "locality", "channel", "batch_group", "accepted_on", "batch_month")
_DUE = (acceptances.c.batch_group == sa.bindparam("group")) \
    & (acceptances.c.batch_month == sa.bindparam("period")) & acceptances.c.submitted_at.is_(None)
_DUE_KEYS = sa.select(acceptances.c.business_key).where(_DUE).with_for_update()
_SUBMIT = acceptances.update().where(_DUE & acceptances.c.business_key.in_(sa.bindparam("keys", expanding=True))) \
    .values(submitted_at=sa.bindparam("at"), batch_key=sa.bindparam("key"))


class LedgerHrss(ports.Hrss):
    def __init__(self, db: sa.Engine):
        self.db = db

    def accept(self, acceptance, idempotency_key):
        row = {k: acceptance[k] for k in _ACCEPTANCE_COLUMNS}
        return insert_once_or_fail(self.db, acceptances, dict(row, idempotency_key=idempotency_key),
                                   {"business_key": row["business_key"], "idempotency_key": idempotency_key})

    def submit_batch(self, batch_group, period, submitted_at, idempotency_key):
        """The batch of a group's acceptances due in ``period``, once per idempotency key: the batch row is
        written first, so a concurrent run of the same key waits for it and then returns it."""
        match = {"idempotency_key": idempotency_key}
        with begin(self.db) as conn:
            found = find(conn, batches, match)
            if found:
                return found
            due = {"group": batch_group, "period": period}
            keys = sorted(conn.execute(_DUE_KEYS, due).scalars())
            batch = {"idempotency_key": idempotency_key, "batch_group": batch_group, "period": period,
                     "submitted_at": submitted_at, "business_keys": keys}
            if not conn.execute(insert_ignoring(conn, batches, batches.c.idempotency_key), batch).first():
                return find(conn, batches, match)
            conn.execute(_SUBMIT, dict(due, keys=keys, at=submitted_at, key=idempotency_key))
            return batch

    def approve(self, approval, idempotency_key):
        return insert_once_or_fail(self.db, approvals, dict(approval, idempotency_key=idempotency_key),
                                   {"business_key": approval["business_key"], "idempotency_key": idempotency_key})
