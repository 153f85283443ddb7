"""Ledger adapters for 社保: contribution periods, the individual pension account, pension awards."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from ..context import BusinessRuleViolation, HandlerError
from .connection import connect
from .once import find, insert_once
from .schema import contributions, pension_accounts, pension_awards

_PERIODS = (sa.select(contributions).where(contributions.c.id_number == sa.bindparam("id_number"))
            .order_by(contributions.c.start_month, contributions.c.id))
_ACCOUNT = sa.select(pension_accounts).where(pension_accounts.c.id_number == sa.bindparam("id_number"))


class LedgerContributions(ports.Contributions):
    def __init__(self, db: sa.Engine):
        self.db = db

    def periods(self, id_number):
        with connect(self.db) as conn:
            return [dict(r) for r in conn.execute(_PERIODS, {"id_number": id_number}).mappings()]


class LedgerPension(ports.Pension):
    def __init__(self, db: sa.Engine):
        self.db = db

    def account(self, id_number):
        with connect(self.db) as conn:
            row = conn.execute(_ACCOUNT, {"id_number": id_number}).mappings().first()
        return dict(row) if row else None

    def award(self, award, idempotency_key):
        """Record the award once per case; a person already awarded under another case is refused, not paid twice."""
        stored = insert_once(self.db, pension_awards, dict(award, idempotency_key=idempotency_key),
                             {"business_key": award["business_key"], "idempotency_key": idempotency_key})
        if stored is not None:
            return stored
        with connect(self.db) as conn:
            other = find(conn, pension_awards, {"id_number": award["id_number"]})
        if other is None:
            raise HandlerError(f"{pension_awards.name}: the award of {award['business_key']} conflicts with a stored "
                               f"award under another key")
        raise BusinessRuleViolation("already_awarded", f"该参保人已于业务编号{other['business_key']}核定养老金待遇"
                                                       f"（{other['award_no']}），不重复核定; the person already has "
                                                       f"pension award {other['award_no']}")
