"""Ledger adapter for 医保: contribution months, lump-sum top-ups, retiree status."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from ..context import BusinessRuleViolation
from .once import find
from .schema import medical_accounts, medical_top_ups


class LedgerMedical(ports.Medical):
    def __init__(self, db: sa.Engine):
        self.db = db

    def account(self, id_number):
        with self.db.connect() as conn:
            return find(conn, medical_accounts, {"id_number": id_number})

    def record_top_up(self, top_up, idempotency_key):
        match = {"business_key": top_up["business_key"], "idempotency_key": idempotency_key}
        try:
            with self.db.begin() as conn:
                found = find(conn, medical_top_ups, match)
                if found:
                    return found
                conn.execute(medical_top_ups.insert().values(**top_up, idempotency_key=idempotency_key))
                months = medical_accounts.c
                updated = conn.execute(medical_accounts.update()
                                       .where(months.id_number == top_up["id_number"])
                                       .values(actual_months=months.actual_months + top_up["months"],
                                               local_months=months.local_months + top_up["months"]))
                if updated.rowcount != 1:
                    raise BusinessRuleViolation("no_medical_account", "no medical account to top up")
                return find(conn, medical_top_ups, match)
        except sa.exc.IntegrityError:
            with self.db.connect() as conn:
                return find(conn, medical_top_ups, match)

    def switch_to_retiree(self, id_number, since, idempotency_key):
        with self.db.begin() as conn:
            conn.execute(medical_accounts.update()
                         .where((medical_accounts.c.id_number == id_number) & (medical_accounts.c.status != "retiree"))
                         .values(status="retiree", retiree_since=since))
            row = find(conn, medical_accounts, {"id_number": id_number})
        if row is None:
            raise BusinessRuleViolation("no_medical_account", "no medical account to switch")
        return {"id_number": id_number, "since": row["retiree_since"]}
