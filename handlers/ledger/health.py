"""Ledger adapter for 卫健: only-child certificates (from the roster) and the rewards granted."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from .connection import connect
from .once import insert_once_or_fail
from .schema import only_child_rewards, persons

_CERTIFICATE = sa.select(persons.c.only_child_certificate).where(persons.c.id_number == sa.bindparam("id_number"))


class LedgerHealth(ports.Health):
    def __init__(self, db: sa.Engine):
        self.db = db

    def certificate(self, id_number):
        with connect(self.db) as conn:
            number = conn.execute(_CERTIFICATE, {"id_number": id_number}).scalar()
        return {"certificate_no": number} if number else None

    def grant_reward(self, reward, idempotency_key):
        return insert_once_or_fail(self.db, only_child_rewards, dict(reward, idempotency_key=idempotency_key),
                                   {"business_key": reward["business_key"], "idempotency_key": idempotency_key})
