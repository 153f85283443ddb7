"""公积金中心 (housing_fund): seal the account, then pay the balance to the person's registered card and close it.

The payee is the card the department holds for the person: the one registered with the housing-fund account,
else the social-insurance bank card on the roster. A card typed in the application (``requested_card``) is a
request the centre checks, never a payee: when it differs, the money still goes to the registered card and the
result says so, so that the person can change the registered card at the centre with proof of identity
(as a 公积金中心 does: withdrawals go only to a verified I类 card in the person's own name)."""
from __future__ import annotations

import logging

from .context import BusinessRuleViolation
from .pension_math import dec, to_fen
from .personal import mask_card, mask_id
from .variables import id_number, iso, local_today

log = logging.getLogger(__name__)


def seal_account(ctx) -> dict:
    account = ctx.ports.housing_fund.account(id_number(ctx))
    if account is None:
        return {"housing_fund": {"account_no": None, "balance": "0.00", "sealed_on": None, "status": None}}
    if account["status"] == "open":
        account = ctx.ports.housing_fund.seal(account["account_no"], local_today(ctx), ctx.idempotency_key)
    return {"housing_fund": {"account_no": account["account_no"], "balance": str(to_fen(dec(account["balance"]))),
                             "sealed_on": iso(account.get("sealed_on")), "status": account["status"]}}


def registered_card(ctx, number: str, account: dict) -> str:
    """The card the departments hold for the person: the housing-fund account's, else the roster's."""
    card = account.get("bank_card") or (ctx.ports.roster.get(number) or {}).get("bank_card")
    if not card:
        raise BusinessRuleViolation("no_registered_card", "公积金中心与社保均未登记本人银行卡，须本人到公积金中心登记"
                                                          "本人名下银行卡后提取; no card is registered for the person")
    return str(card).replace(" ", "")


def card_on_file(ctx) -> dict:
    """For the clerk who receives the person at the window (an offline appointment): the card the withdrawal will
    be paid to, masked, and whose register it comes from. Only shown: the withdrawal reads the card again."""
    number = id_number(ctx)
    account = ctx.ports.housing_fund.account(number) or {}
    card, source = account.get("bank_card"), "公积金中心登记的本人银行卡"
    if not card:
        card, source = (ctx.ports.roster.get(number) or {}).get("bank_card"), "社保登记的本人银行卡（公积金中心未登记）"
    if not card:
        source = "未登记本人银行卡：须本人持身份证到中心登记本人名下银行卡后方可提取"
    if not account:
        source = "未查到本人公积金账户（封存时将确认，无账户的按不适用办结）" + ("；" + source if card else "")
    return {"card_on_file": mask_card(str(card).replace(" ", "")) if card else "（未登记）",
            "card_on_file_source": source}


def withdraw(ctx) -> dict:
    number = id_number(ctx)
    account = ctx.ports.housing_fund.account(number)
    if account is None:
        return {"housing_fund_withdrawal": {"amount": "0.00", "paid_on": None, "reference": None}}
    payee = registered_card(ctx, number, account)
    requested = str(ctx.variables.get("requested_card") or ctx.variables.get("bank_card") or "").replace(" ", "")
    paid = ctx.ports.housing_fund.withdraw(account["account_no"], payee, local_today(ctx), ctx.idempotency_key)
    differs = bool(requested) and requested != payee
    if differs:
        log.warning("housing fund of %s: the application asked for card %s; paid to the registered card %s",
                    mask_id(number), mask_card(requested), mask_card(payee))
    log.info("housing fund of %s paid to card %s (%s)", mask_id(number), mask_card(payee), paid["reference"])
    result = {"amount": str(to_fen(dec(paid["amount"]))), "paid_on": iso(paid["paid_on"]),
              "reference": paid["reference"], "paid_to": mask_card(paid.get("bank_card") or payee)}
    if differs:
        result.update(requested_card=mask_card(requested), requested_card_differs=True,
                      note="申请表所填银行卡与公积金中心登记的本人银行卡不一致，已按登记卡支付；如需更换请本人持身份证到中心办理")
    return {"housing_fund_withdrawal": result}


HANDLERS = {
    "housing_fund.card_on_file": card_on_file,
    "housing_fund.seal_account": seal_account,
    "housing_fund.withdraw": withdraw,
}
