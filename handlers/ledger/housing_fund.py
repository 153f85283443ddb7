"""Ledger adapter for 公积金中心: seal an account, pay its balance out once and close it."""
from __future__ import annotations

import sqlalchemy as sa

from .. import ports
from ..context import BusinessRuleViolation
from ..variables import reference
from .connection import begin, connect
from .once import find, insert_new
from .schema import housing_fund_accounts as accounts
from .schema import housing_fund_withdrawals as withdrawals

_SEAL = accounts.update().where((accounts.c.account_no == sa.bindparam("account")) & (accounts.c.status == "open")) \
    .values(status="sealed", sealed_on=sa.bindparam("on")).returning(*accounts.c)
_ACCOUNT_FOR_UPDATE = sa.select(accounts).where(accounts.c.account_no == sa.bindparam("account")).with_for_update()
_CLOSE = accounts.update().where(accounts.c.account_no == sa.bindparam("account")) \
    .values(balance=0, status="closed", closed_on=sa.bindparam("on"), sealed_on=sa.bindparam("sealed"))


class LedgerHousingFund(ports.HousingFund):
    def __init__(self, db: sa.Engine):
        self.db = db

    def account(self, id_number):
        with connect(self.db) as conn:
            return find(conn, accounts, {"id_number": id_number})

    def seal(self, account_no, on, idempotency_key):
        with begin(self.db) as conn:
            row = conn.execute(_SEAL, {"account": account_no, "on": on}).mappings().first()
            row = dict(row) if row is not None else find(conn, accounts, {"account_no": account_no})
        if row is None:
            raise BusinessRuleViolation("unknown_account", "no such housing-fund account")
        return row

    def withdraw(self, account_no, bank_card, on, idempotency_key):
        """Pay the balance once to the card the centre holds (a different card is refused, never paid)."""
        match = {"idempotency_key": idempotency_key, "account_no": account_no}
        with begin(self.db) as conn:
            paid = find(conn, withdrawals, match)
            if paid:
                return paid
            account = conn.execute(_ACCOUNT_FOR_UPDATE, {"account": account_no}).mappings().first()
            if account is None:
                raise BusinessRuleViolation("unknown_account", "no such housing-fund account")
            if account["bank_card"] and account["bank_card"] != bank_card:
                raise BusinessRuleViolation("card_not_registered", "只向公积金中心登记的本人银行卡支付; the centre "
                                                                   "pays only to the card registered for the account")
            stored = insert_new(conn, withdrawals, {
                "reference": reference("HF", account_no), "account_no": account_no, "idempotency_key": idempotency_key,
                "amount": account["balance"], "bank_card": bank_card, "paid_on": on,
                "id_number": account["id_number"]})
            if stored is None:  # a concurrent run paid first: theirs
                return find(conn, withdrawals, {"account_no": account_no})
            conn.execute(_CLOSE, {"account": account_no, "on": on, "sealed": account["sealed_on"] or on})
            return stored
