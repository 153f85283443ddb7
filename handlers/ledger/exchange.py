"""Ledger adapter for 数据局: the log of case data pushed to each department."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from .. import ports
from .connection import begin, connect, insert_ignoring
from .schema import pushes

_CASE_DEPARTMENT = (pushes.c.business_key == sa.bindparam("business_key")) \
    & (pushes.c.department == sa.bindparam("department"))
_PUSHED = sa.select(pushes.c.department, pushes.c.pushed_at).where(_CASE_DEPARTMENT)
_RECEIVED = sa.select(pushes.c.department, pushes.c.payload, pushes.c.pushed_at).where(_CASE_DEPARTMENT)


class LedgerExchange(ports.DataExchange):
    def __init__(self, db: sa.Engine):
        self.db = db

    def push(self, business_key, department, payload, idempotency_key, at=None):
        """Push once per (case, department): a second push returns the first one's department and time."""
        row = {"business_key": business_key, "department": department, "idempotency_key": idempotency_key,
               "payload": payload, "pushed_at": at or datetime.now(timezone.utc)}
        with begin(self.db) as conn:
            stored = conn.execute(insert_ignoring(conn, pushes, pushes.c.department, pushes.c.pushed_at),
                                  row).mappings().first()
            if stored is None:  # pushed before (or by a concurrent run): theirs
                stored = conn.execute(_PUSHED, {"business_key": business_key, "department": department}) \
                    .mappings().first()
            return dict(stored)

    def received(self, business_key, department):
        with connect(self.db) as conn:
            row = conn.execute(_RECEIVED, {"business_key": business_key, "department": department}) \
                .mappings().first()
        return dict(row) if row else None
