"""Ledger adapter for 医保: contribution months, lump-sum top-ups, retiree status."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from ..context import BusinessRuleViolation, HandlerError
from .connection import begin, connect
from .once import find, insert_new
from .schema import medical_accounts, medical_top_ups

_MONTHS = medical_accounts.c
_ADD_MONTHS = medical_accounts.update().where(_MONTHS.id_number == sa.bindparam("id")) \
    .values(actual_months=_MONTHS.actual_months + sa.bindparam("months"),
            local_months=_MONTHS.local_months + sa.bindparam("months"))
_UNDO_TOP_UP = medical_top_ups.delete().where(medical_top_ups.c.idempotency_key == sa.bindparam("key"))
_SWITCH = medical_accounts.update() \
    .where((_MONTHS.id_number == sa.bindparam("id")) & (_MONTHS.status != "retiree")) \
    .values(status="retiree", retiree_since=sa.bindparam("since")).returning(_MONTHS.retiree_since)
_RETIREE_SINCE = sa.select(_MONTHS.retiree_since).where(_MONTHS.id_number == sa.bindparam("id"))


class LedgerMedical(ports.Medical):
    def __init__(self, db: sa.Engine):
        self.db = db

    def account(self, id_number):
        with connect(self.db) as conn:
            return find(conn, medical_accounts, {"id_number": id_number})

    def record_top_up(self, top_up, idempotency_key):
        match = {"business_key": top_up["business_key"], "idempotency_key": idempotency_key}
        with begin(self.db) as conn:
            found = find(conn, medical_top_ups, match)
            if found:
                return found
            stored = insert_new(conn, medical_top_ups, dict(top_up, idempotency_key=idempotency_key))
            if stored is None:  # a concurrent run recorded it first: theirs
                found = find(conn, medical_top_ups, match)
                if found is None:
                    raise HandlerError(f"{medical_top_ups.name}: the top-up of {top_up['business_key']} conflicts "
                                       f"with a stored one under another key")
                return found
            updated = conn.execute(_ADD_MONTHS, {"id": top_up["id_number"], "months": top_up["months"]})
            if updated.rowcount != 1:
                # the transaction may be the engine command's, which goes on: take the top-up back ourselves
                conn.execute(_UNDO_TOP_UP, {"key": idempotency_key})
                raise BusinessRuleViolation("no_medical_account", "no medical account to top up")
            return stored

    def switch_to_retiree(self, id_number, since, idempotency_key):
        with begin(self.db) as conn:
            row = conn.execute(_SWITCH, {"id": id_number, "since": since}).first() \
                or conn.execute(_RETIREE_SINCE, {"id": id_number}).first()   # a retiree already
        if row is None:
            raise BusinessRuleViolation("no_medical_account", "no medical account to switch")
        return {"id_number": id_number, "since": row.retiree_since}
