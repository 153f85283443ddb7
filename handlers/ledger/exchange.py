"""Ledger adapter for 数据局: the log of case data pushed to each department."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from .. import ports
from .schema import pushes


class LedgerExchange(ports.DataExchange):
    def __init__(self, db: sa.Engine):
        self.db = db

    def push(self, business_key, department, payload, idempotency_key, at=None):
        where = (pushes.c.business_key == business_key) & (pushes.c.department == department)
        query = sa.select(pushes.c.department, pushes.c.pushed_at).where(where)
        try:
            with self.db.begin() as conn:
                row = conn.execute(query).mappings().first()
                if row is None:
                    conn.execute(pushes.insert().values(
                        business_key=business_key, department=department, idempotency_key=idempotency_key,
                        payload=payload, pushed_at=at or datetime.now(timezone.utc)))
                    row = conn.execute(query).mappings().first()
                return dict(row)
        except sa.exc.IntegrityError:
            with self.db.connect() as conn:
                return dict(conn.execute(query).mappings().first())

    def received(self, business_key, department):
        query = sa.select(pushes.c.department, pushes.c.payload, pushes.c.pushed_at).where(
            (pushes.c.business_key == business_key) & (pushes.c.department == department))
        with self.db.connect() as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None
