"""Ledger adapter for 人社局: acceptances, monthly batches, retirement approvals."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from .once import find, insert_once
from .schema import acceptances, approvals, batches


class LedgerHrss(ports.Hrss):
    def __init__(self, db: sa.Engine):
        self.db = db

    def accept(self, acceptance, idempotency_key):
        row = {k: acceptance[k] for k in ("business_key", "id_number", "locality", "channel", "batch_group",
                                          "accepted_on", "batch_month")}
        return insert_once(self.db, acceptances, dict(row, idempotency_key=idempotency_key),
                           {"business_key": row["business_key"], "idempotency_key": idempotency_key})

    def submit_batch(self, batch_group, period, submitted_at, idempotency_key):
        try:
            with self.db.begin() as conn:
                found = find(conn, batches, {"idempotency_key": idempotency_key})
                if found:
                    return found
                due = (acceptances.c.batch_group == batch_group) & (acceptances.c.batch_month == period) \
                    & acceptances.c.submitted_at.is_(None)
                keys = sorted(conn.execute(sa.select(acceptances.c.business_key).where(due)
                                           .with_for_update()).scalars())
                conn.execute(acceptances.update().where(due & acceptances.c.business_key.in_(keys))
                             .values(submitted_at=submitted_at, batch_key=idempotency_key))
                batch = {"idempotency_key": idempotency_key, "batch_group": batch_group, "period": period,
                         "submitted_at": submitted_at, "business_keys": keys}
                conn.execute(batches.insert().values(**batch))
                return batch
        except sa.exc.IntegrityError:
            with self.db.connect() as conn:
                return find(conn, batches, {"idempotency_key": idempotency_key})

    def approve(self, approval, idempotency_key):
        return insert_once(self.db, approvals, dict(approval, idempotency_key=idempotency_key),
                           {"business_key": approval["business_key"], "idempotency_key": idempotency_key})
