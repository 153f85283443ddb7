"""Each ledger adapter keeps its promise: read what was stored, write once per key."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from handlers.ledger import ledger_ports, schema
from handlers.ledger.demo_roster import load_roster
from handlers.personal import make_id_number

WANG = make_id_number("340722", date(1966, 3, 15), 17)
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


def _load_wang(db, **overrides):
    person = {"id_number": WANG, "name": "王建国", "sex": "male", "category": "male",
              "birth_date_id_card": date(1966, 3, 15), "birth_date_file": None, "phone": "13812341234",
              "phone_valid": True, "locality": "340722", "employer": "枞阳钢铁厂", "flexible": False,
              "special_work_type": None, "special_work_years": None, "hukou_address": "枞阳镇1号",
              "only_child_certificate": "独340722000001", "bank_card": "6217001234567890123",
              "contributions": [{"kind": "actual", "locality": "340722", "start_month": "1996-01",
                                 "end_month": "2026-06", "wage_index": Decimal("1.2"), "arrears_months": 0,
                                 "arrears_amount": Decimal("0")}],
              "pension_account": {"id_number": WANG, "locality": "340722", "status": "active",
                                  "balance": Decimal("120000.00")},
              "medical_account": {"id_number": WANG, "actual_months": 200, "deemed_months": 60,
                                  "local_months": 150, "status": "insured"},
              "housing_fund_account": {"account_no": "GJJ001", "id_number": WANG, "balance": Decimal("86500.40"),
                                       "status": "open"}}
    person.update(overrides)
    load_roster(db, [person])
    return ledger_ports(db)


def test_withdrawal_pays_the_balance_exactly_once(ledger):
    ports = _load_wang(ledger)
    first = ports.housing_fund.withdraw("GJJ001", "6217001234567890123", date(2026, 11, 20), "job-1")
    again = ports.housing_fund.withdraw("GJJ001", "6217001234567890123", date(2026, 11, 21), "job-1")
    other_key = ports.housing_fund.withdraw("GJJ001", "6217001234567890123", date(2026, 11, 22), "job-2")
    assert first == again == other_key
    assert first["amount"] == Decimal("86500.40")
    account = ports.housing_fund.account(WANG)
    assert account["status"] == "closed" and account["balance"] == 0
    with ledger.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.housing_fund_withdrawals)).scalar() == 1


def test_concurrent_withdrawals_pay_once(ledger):
    if ledger.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers; the race is a PostgreSQL concern")
    ports = _load_wang(ledger)
    results, barrier = [], threading.Barrier(6)

    def run(n):
        barrier.wait()
        results.append(ports.housing_fund.withdraw("GJJ001", "6217001234567890123", date(2026, 11, 20), f"job-{n}"))
    threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r["reference"] for r in results}) == 1 and len(results) == 6


def test_sealing_is_kept_when_repeated(ledger):
    ports = _load_wang(ledger)
    first = ports.housing_fund.seal("GJJ001", date(2026, 11, 20), "k1")
    again = ports.housing_fund.seal("GJJ001", date(2026, 12, 1), "k2")
    assert first["sealed_on"] == again["sealed_on"] == date(2026, 11, 20)


def test_batch_submits_each_acceptance_once(ledger):
    ports = _load_wang(ledger)
    for key, group in [("A", "community"), ("B", "community"), ("C", "agency")]:
        ports.hrss.accept({"business_key": key, "id_number": WANG, "locality": "340722", "channel": group,
                           "batch_group": group, "accepted_on": date(2026, 11, 3), "batch_month": "2026-11"}, f"{key}:t")
    first = ports.hrss.submit_batch("community", "2026-11", NOW, "batch-1")
    again = ports.hrss.submit_batch("community", "2026-11", NOW, "batch-1")
    later = ports.hrss.submit_batch("community", "2026-11", NOW, "batch-2")
    assert first["business_keys"] == again["business_keys"] == ["A", "B"]
    assert later["business_keys"] == []


def test_acceptance_is_stored_once_per_case(ledger):
    ports = _load_wang(ledger)
    row = {"business_key": "A", "id_number": WANG, "locality": "340722", "channel": "agency", "batch_group": "agency",
           "accepted_on": date(2026, 11, 3), "batch_month": "2026-11"}
    first = ports.hrss.accept(row, "A:t1")
    second = ports.hrss.accept(dict(row, accepted_on=date(2026, 12, 1), batch_month="2026-12"), "A:t2")
    assert second["accepted_on"] == first["accepted_on"] == date(2026, 11, 3)


def test_sms_outbox_holds_one_row_per_key_and_knows_unreachable_phones(ledger):
    ports = _load_wang(ledger, phone="13900000000", phone_valid=False)
    messages = [{"phone": "13812341234", "text": "a", "business_key": "Q", "idempotency_key": "k1"},
                {"phone": "13900000000", "text": "b", "business_key": "Q", "idempotency_key": "k2"}]
    first = ports.sms.send_many(messages)
    again = ports.sms.send_many(messages)
    assert [r["status"] for r in first] == [r["status"] for r in again] == ["sent", "undeliverable"]
    with ledger.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.sms_outbox)).scalar() == 2


def test_medical_top_up_is_recorded_once_and_adds_months(ledger):
    ports = _load_wang(ledger)
    top_up = {"reference": "YB1", "business_key": "A", "id_number": WANG, "months": 40, "amount": Decimal("24000"),
              "paid_on": date(2026, 11, 20)}
    ports.medical.record_top_up(top_up, "k1")
    ports.medical.record_top_up(top_up, "k1")
    ports.medical.record_top_up(dict(top_up, reference="YB2"), "k2")
    assert ports.medical.account(WANG)["actual_months"] == 240


def test_retiree_switch_keeps_the_first_date(ledger):
    ports = _load_wang(ledger)
    ports.medical.switch_to_retiree(WANG, date(2026, 7, 1), "k1")
    assert ports.medical.switch_to_retiree(WANG, date(2026, 8, 1), "k2")["since"] == date(2026, 7, 1)


def test_awards_approvals_rewards_and_pushes_are_written_once(ledger):
    ports = _load_wang(ledger)
    award = {"award_no": "YL1", "business_key": "A", "id_number": WANG, "first_payment_month": "2026-08",
             "monthly_total": Decimal("6442.36"), "details": {"basic": "1"}, "awarded_on": date(2026, 7, 1)}
    assert ports.pension.award(award, "k1")["award_no"] == ports.pension.award(dict(award, award_no="YL2"), "k2")["award_no"]
    approval = {"approval_no": "TX1", "business_key": "A", "id_number": WANG, "locality": "340722",
                "retirement_date": date(2026, 7, 1), "retirement_type": "normal", "approved_on": date(2026, 6, 1)}
    assert ports.hrss.approve(approval, "k1") == ports.hrss.approve(dict(approval, approval_no="TX2"), "k1")
    reward = {"business_key": "A", "id_number": WANG, "certificate_no": "独1", "reward_type": "lump_sum",
              "channel": "employer", "granted_on": date(2026, 7, 1)}
    assert ports.health.grant_reward(reward, "k1") == ports.health.grant_reward(reward, "k1")
    ports.exchange.push("A", "housing_fund", {"x": 1}, "k1")
    ports.exchange.push("A", "housing_fund", {"x": 2}, "k2")
    with ledger.connect() as conn:
        count = lambda t: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()  # noqa: E731
        assert [count(schema.pension_awards), count(schema.approvals), count(schema.only_child_rewards),
                count(schema.pushes)] == [1, 1, 1, 1]


def test_roster_lists_a_locality_subtree(ledger):
    ports = _load_wang(ledger)
    assert [p["id_number"] for p in ports.roster.in_locality("34")] == [WANG]
    assert list(ports.roster.in_locality("22")) == []
    assert ports.household.lookup(WANG)["birth_date"] == date(1966, 3, 15)
    assert ports.health.certificate(WANG) == {"certificate_no": "独340722000001"}
