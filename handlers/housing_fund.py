"""公积金中心 (housing_fund): seal the account, then pay the balance to the bank card and close it."""
from __future__ import annotations

import logging

from .context import BusinessRuleViolation
from .pension_math import dec, to_fen
from .personal import mask_card, mask_id
from .variables import id_number, iso, local_today, require

log = logging.getLogger(__name__)


def seal_account(ctx) -> dict:
    account = ctx.ports.housing_fund.account(id_number(ctx))
    if account is None:
        return {"housing_fund": {"account_no": None, "balance": "0.00", "sealed_on": None, "status": None}}
    if account["status"] == "open":
        account = ctx.ports.housing_fund.seal(account["account_no"], local_today(ctx), ctx.idempotency_key)
    return {"housing_fund": {"account_no": account["account_no"], "balance": str(to_fen(dec(account["balance"]))),
                             "sealed_on": iso(account.get("sealed_on")), "status": account["status"]}}


def withdraw(ctx) -> dict:
    number = id_number(ctx)
    account = ctx.ports.housing_fund.account(number)
    if account is None:
        return {"housing_fund_withdrawal": {"amount": "0.00", "paid_on": None, "reference": None}}
    bank_card = require(ctx, "bank_card")
    if not str(bank_card).isdigit():
        raise BusinessRuleViolation("invalid_bank_card", "the bank card number must be digits only")
    paid = ctx.ports.housing_fund.withdraw(account["account_no"], bank_card, local_today(ctx), ctx.idempotency_key)
    log.info("housing fund of %s paid to card %s (%s)", mask_id(number), mask_card(bank_card), paid["reference"])
    return {"housing_fund_withdrawal": {"amount": str(to_fen(dec(paid["amount"]))), "paid_on": iso(paid["paid_on"]),
                                        "reference": paid["reference"]}}


HANDLERS = {
    "housing_fund.seal_account": seal_account,
    "housing_fund.withdraw": withdraw,
}
