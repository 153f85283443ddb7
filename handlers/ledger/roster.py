"""Ledger adapters reading the roster: persons, the household register and only-child certificates."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from .schema import persons, phone_changes


class LedgerRoster(ports.Roster):
    def __init__(self, db: sa.Engine):
        self.db = db

    def get(self, id_number):
        with self.db.connect() as conn:
            row = conn.execute(sa.select(persons).where(persons.c.id_number == id_number)).mappings().first()
        return dict(row) if row else None

    def in_locality(self, prefix):
        query = (sa.select(persons).where(persons.c.locality.startswith(prefix, autoescape=True))
                 .order_by(persons.c.id_number))
        with self.db.connect() as conn:
            for row in conn.execution_options(yield_per=1000).execute(query).mappings():
                yield dict(row)

    def correct_phone(self, id_number, phone, changed_by, changed_at, how, idempotency_key):
        query = sa.select(phone_changes).where(phone_changes.c.idempotency_key == idempotency_key)
        try:
            with self.db.begin() as conn:
                row = conn.execute(query).mappings().first()
                if row is None:
                    conn.execute(phone_changes.insert().values(
                        idempotency_key=idempotency_key, id_number=id_number, phone=phone, changed_by=changed_by,
                        how=how, changed_at=changed_at))
                    conn.execute(sa.update(persons).where(persons.c.id_number == id_number)
                                 .values(phone=phone, phone_valid=True))
                    row = conn.execute(query).mappings().first()
        except sa.exc.IntegrityError:   # a concurrent run stored it first
            with self.db.connect() as conn:
                row = conn.execute(query).mappings().first()
        return {k: row[k] for k in ("id_number", "phone", "changed_by", "changed_at", "how")}


class LedgerHouseholdRegister(ports.HouseholdRegister):
    """In the embedded ledger the household address is kept on the roster (hukou_address)."""

    def __init__(self, db: sa.Engine):
        self.db = db

    def lookup(self, id_number):
        query = sa.select(persons.c.name, persons.c.hukou_address, persons.c.birth_date_id_card).where(
            persons.c.id_number == id_number)
        with self.db.connect() as conn:
            row = conn.execute(query).first()
        if row is None or not row.hukou_address:
            return None
        return {"name": row.name, "address": row.hukou_address, "birth_date": row.birth_date_id_card}
