"""Ledger adapters reading the roster: persons, the household register and only-child certificates."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from .connection import begin, connect, insert_ignoring
from .schema import persons, phone_changes

_PERSON = sa.select(persons).where(persons.c.id_number == sa.bindparam("id_number"))
_HOUSEHOLD = sa.select(persons.c.name, persons.c.hukou_address, persons.c.birth_date_id_card).where(
    persons.c.id_number == sa.bindparam("id_number"))
_CHANGE_COLUMNS = ("id_number", "phone", "changed_by", "changed_at", "how")
_CHANGE = sa.select(*(phone_changes.c[c] for c in _CHANGE_COLUMNS)).where(
    phone_changes.c.idempotency_key == sa.bindparam("key"))
_SET_PHONE = sa.update(persons).where(persons.c.id_number == sa.bindparam("id")) \
    .values(phone=sa.bindparam("new_phone"), phone_valid=True)


class LedgerRoster(ports.Roster):
    def __init__(self, db: sa.Engine):
        self.db = db

    def get(self, id_number):
        with connect(self.db) as conn:
            row = conn.execute(_PERSON, {"id_number": id_number}).mappings().first()
        return dict(row) if row else None

    def in_locality(self, prefix):
        query = (sa.select(persons).where(persons.c.locality.startswith(prefix, autoescape=True))
                 .order_by(persons.c.id_number).execution_options(yield_per=1000))
        with connect(self.db) as conn:  # the option on the statement: the connection may be the command's
            for row in conn.execute(query).mappings():
                yield dict(row)

    def correct_phone(self, id_number, phone, changed_by, changed_at, how, idempotency_key):
        """Record the change once per idempotency key and set the roster's phone; a second run returns the first."""
        with begin(self.db) as conn:
            insert = insert_ignoring(conn, phone_changes, *(phone_changes.c[c] for c in _CHANGE_COLUMNS))
            row = conn.execute(insert, {"idempotency_key": idempotency_key, "id_number": id_number, "phone": phone,
                                        "changed_by": changed_by, "how": how, "changed_at": changed_at}) \
                .mappings().first()
            if row is None:  # stored before (or by a concurrent run): theirs
                row = conn.execute(_CHANGE, {"key": idempotency_key}).mappings().first()
            else:
                conn.execute(_SET_PHONE, {"id": id_number, "new_phone": phone})
        return {k: row[k] for k in _CHANGE_COLUMNS}


class LedgerHouseholdRegister(ports.HouseholdRegister):
    """In the embedded ledger the household address is kept on the roster (hukou_address)."""

    def __init__(self, db: sa.Engine):
        self.db = db

    def lookup(self, id_number):
        with connect(self.db) as conn:
            row = conn.execute(_HOUSEHOLD, {"id_number": id_number}).first()
        if row is None or not row.hukou_address:
            return None
        return {"name": row.name, "address": row.hukou_address, "birth_date": row.birth_date_id_card}
