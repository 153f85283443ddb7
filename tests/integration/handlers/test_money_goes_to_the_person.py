"""Money reaches only the person, once: the housing fund pays the card the centre holds, whatever card an
application names; the ledger stores one pension award and one withdrawal per person."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from handlers import housing_fund, social_insurance
from handlers.context import BusinessRuleViolation
from handlers.ledger import ledger_ports, schema
from handlers.ledger.demo_roster import load_roster
from handlers.personal import make_id_number
from ledger_builders import ledger_ctx

WANG = make_id_number("340722", date(1966, 3, 15), 17)
REGISTERED = "6217001234567890123"
STRANGER = "6222029999888877776"


def _load(db, *, account_card=REGISTERED, roster_card=REGISTERED):
    load_roster(db, [{
        "id_number": WANG, "name": "王建国", "sex": "male", "category": "male", "birth_date_id_card": date(1966, 3, 15),
        "birth_date_file": None, "phone": "13812341234", "phone_valid": True, "locality": "340722",
        "employer": "枞阳钢铁厂", "flexible": False, "special_work_type": None, "special_work_years": None,
        "hukou_address": "枞阳镇1号", "only_child_certificate": None, "bank_card": roster_card,
        "contributions": [], "pension_account": {"id_number": WANG, "locality": "340722", "status": "active",
                                                 "balance": Decimal("120000.00")},
        "housing_fund_account": {"account_no": "GJJ001", "id_number": WANG, "balance": Decimal("86500.40"),
                                 "status": "sealed", "bank_card": account_card}}])
    return ledger_ports(db)


def _paid_cards(db) -> list[str]:
    with db.connect() as conn:
        return list(conn.execute(sa.select(schema.housing_fund_withdrawals.c.bank_card)).scalars())


def test_a_card_typed_in_the_application_is_never_the_payee(ledger):
    ports = _load(ledger)
    result = housing_fund.withdraw(ledger_ctx(ledger, ports=ports, variables={
        "id_number": WANG, "requested_card": STRANGER}))["housing_fund_withdrawal"]
    assert _paid_cards(ledger) == [REGISTERED]
    assert result["amount"] == "86500.40"
    assert result["paid_to"].endswith("0123") and result["requested_card"].endswith("7776")
    assert result["requested_card_differs"] is True and "已按登记卡支付" in result["note"]


def test_a_case_started_before_the_change_with_a_bank_card_variable_still_pays_the_registered_card(ledger):
    ports = _load(ledger)
    housing_fund.withdraw(ledger_ctx(ledger, ports=ports, variables={"id_number": WANG, "bank_card": STRANGER}))
    assert _paid_cards(ledger) == [REGISTERED]


def test_without_a_card_on_the_fund_account_the_roster_card_is_paid(ledger):
    ports = _load(ledger, account_card=None, roster_card="6217000000000000042")
    result = housing_fund.withdraw(ledger_ctx(ledger, ports=ports, variables={"id_number": WANG}))
    assert _paid_cards(ledger) == ["6217000000000000042"]
    assert "requested_card_differs" not in result["housing_fund_withdrawal"]


def test_without_any_registered_card_nothing_is_paid_and_the_case_is_told_why(ledger):
    ports = _load(ledger, account_card=None, roster_card=None)
    with pytest.raises(BusinessRuleViolation) as refused:
        housing_fund.withdraw(ledger_ctx(ledger, ports=ports, variables={"id_number": WANG, "requested_card": STRANGER}))
    assert refused.value.code == "no_registered_card"
    assert _paid_cards(ledger) == []


def test_the_ledger_refuses_to_pay_a_card_other_than_the_registered_one(ledger):
    ports = _load(ledger)
    with pytest.raises(BusinessRuleViolation) as refused:
        ports.housing_fund.withdraw("GJJ001", STRANGER, date(2026, 11, 20), "job-1")
    assert refused.value.code == "card_not_registered"
    assert _paid_cards(ledger) == []


def test_two_cases_of_one_person_withdraw_the_fund_once(ledger):
    ports = _load(ledger)
    results = []

    def run(n):
        ctx = ledger_ctx(ledger, ports=ports, business_key=f"CASE-{n}", variables={"id_number": WANG})
        results.append(housing_fund.withdraw(ctx)["housing_fund_withdrawal"]["reference"])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1
    assert _paid_cards(ledger) == [REGISTERED]


def test_the_database_holds_one_withdrawal_per_person(ledger):
    _load(ledger)
    row = {"account_no": "GJJ001", "amount": Decimal("1.00"), "bank_card": REGISTERED, "paid_on": date(2026, 11, 20),
           "id_number": WANG}
    with ledger.begin() as conn:
        conn.execute(schema.housing_fund_withdrawals.insert().values(reference="HF1", idempotency_key="k1", **row))
    with pytest.raises(sa.exc.IntegrityError), ledger.begin() as conn:
        conn.execute(schema.housing_fund_withdrawals.insert().values(
            reference="HF2", idempotency_key="k2", **dict(row, account_no="GJJ002")))


def _award_ctx(ledger, ports, business_key):
    return ledger_ctx(ledger, ports=ports, business_key=business_key, variables={
        "id_number": WANG, "retirement_date": "2026-07-01", "pension": {"monthly_total": "4321.00"}})


def test_a_second_case_of_the_same_person_gets_no_second_pension_award(ledger):
    ports = _load(ledger)
    first = social_insurance.award_pension(_award_ctx(ledger, ports, "CASE-1"))
    again = social_insurance.award_pension(_award_ctx(ledger, ports, "CASE-1"))  # the same job run twice
    assert first == again
    with pytest.raises(BusinessRuleViolation) as refused:
        social_insurance.award_pension(_award_ctx(ledger, ports, "CASE-2"))
    assert refused.value.code == "already_awarded" and "CASE-1" in str(refused.value)
    with ledger.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(schema.pension_awards)) == 1


def test_concurrent_awards_for_one_person_under_different_cases_store_one(ledger):
    ports = _load(ledger)
    outcomes = []

    def run(n):
        try:
            social_insurance.award_pension(_award_ctx(ledger, ports, f"CASE-{n}"))
            outcomes.append("awarded")
        except BusinessRuleViolation:
            outcomes.append("refused")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["awarded"] + ["refused"] * 4
    with ledger.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(schema.pension_awards)) == 1
