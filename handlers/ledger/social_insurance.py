"""Ledger adapters for 社保: contribution periods, the individual pension account, pension awards."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from .once import insert_once
from .schema import contributions, pension_accounts, pension_awards


class LedgerContributions(ports.Contributions):
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def periods(self, id_number):
        query = (sa.select(contributions).where(contributions.c.id_number == id_number)
                 .order_by(contributions.c.start_month, contributions.c.id))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]


class LedgerPension(ports.Pension):
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def account(self, id_number):
        query = sa.select(pension_accounts).where(pension_accounts.c.id_number == id_number)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    def award(self, award, idempotency_key):
        return insert_once(self.engine, pension_awards, dict(award, idempotency_key=idempotency_key),
                           {"business_key": award["business_key"], "idempotency_key": idempotency_key})
