"""Every handler runs against the demo roster in the ledger: 2,000 persons of Zongyang."""
from __future__ import annotations

import json
import time
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa
from ledger_builders import CountingDecide, ledger_ctx

from handlers import ALL_HANDLERS, build_ports
from handlers.ledger import schema
from handlers.ledger.demo_roster import generate_roster, load_roster
from handlers.months import first_day, month_of, quarter_of
from handlers.personal import is_valid_phone
from tests.support.decisions import statutory_month

TODAY = date(2026, 11, 20)


@pytest.fixture
def demo(ledger):
    persons = generate_roster("340722", 2000, today=TODAY, seed=11, retirement_month=statutory_month)
    load_roster(ledger, persons)
    return persons


def _expected_quarter(person):
    born = person["birth_date_file"] or person["birth_date_id_card"]
    return quarter_of(statutory_month(person["category"], month_of(born)))


def test_upcoming_finds_exactly_the_persons_of_the_quarter_with_few_decisions(ledger, demo):
    decide = CountingDecide()
    started = time.perf_counter()
    result = ALL_HANDLERS["social_insurance.list_upcoming"](
        ledger_ctx(ledger, decide=decide, inputs={"quarter": "2027Q2"}))
    elapsed = time.perf_counter() - started
    expected = {p["id_number"] for p in demo if _expected_quarter(p) == "2027Q2"}
    assert {p["id_number"] for p in result["upcoming"]} == expected and len(expected) > 200
    assert decide.calls < 400
    assert elapsed < 5


def test_quarterly_notice_reaches_good_phones_once_and_reports_the_bad(ledger, demo):
    upcoming = ALL_HANDLERS["social_insurance.list_upcoming"](ledger_ctx(ledger, inputs={"quarter": "2027Q1"}))
    ctx = ledger_ctx(ledger, variables=upcoming, business_key="notify-2027Q1")
    result = ALL_HANDLERS["notification.notify_upcoming"](ctx)
    by_id = {p["id_number"]: p for p in demo}
    bad = {b["id_number"] for b in result["bad_phones"]}
    assert bad == {p["id_number"] for p in upcoming["upcoming"] if not by_id[p["id_number"]]["phone_valid"]}
    assert result["notified"] == len(upcoming["upcoming"]) - len(bad)
    rerun = ALL_HANDLERS["notification.notify_upcoming"](ledger_ctx(ledger, variables=upcoming, key="other-job"))
    assert rerun == result
    with ledger.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(schema.sms_outbox)).scalar()
    assert rows == len([p for p in upcoming["upcoming"] if is_valid_phone(p["phone"])])


def _case(person):
    born = person["birth_date_file"] or person["birth_date_id_card"]
    month = statutory_month(person["category"], month_of(born))
    return {"id_number": person["id_number"], "name": person["name"], "sex": person["sex"],
            "category": person["category"], "phone": person["phone"], "channel": "community",
            "retirement_type": "normal", "bank_card": person["bank_card"],
            "statutory": {"retirement_month": month}, "retirement_date": first_day(month).isoformat()}


RUN_ORDER = [
    "hrss.verify_birth_date", "public_security.verify_household", "hrss.register_acceptance",
    "hrss.certify_deemed_years", "social_insurance.check_contributions", "hrss.record_approval",
    "social_insurance.compute_pension", "social_insurance.award_pension", "medical_insurance.check_retiree_years",
    "medical_insurance.record_top_up", "medical_insurance.switch_to_retiree", "housing_fund.seal_account",
    "housing_fund.withdraw", "health.only_child_reward", "data_bureau.push_case", "notification.send_sms",
]


def _run_case(db, ports, person, *, twice=False):
    """Run the case's service tasks in order; with twice, run each job again as after a lost lease."""
    variables = _case(person)
    for topic in RUN_ORDER:
        if topic == "medical_insurance.record_top_up" and variables["medical"]["eligible"]:
            continue
        ctx = ledger_ctx(db, ports=ports, variables=variables, business_key=f"case-{person['id_number']}",
                         key=f"{person['id_number']}:{topic}",
                         inputs={"departments": "medical_insurance,housing_fund", "template": "accepted"})
        result = ALL_HANDLERS[topic](ctx)
        json.dumps(result)  # the engine stores it as process variables
        if twice:
            assert ALL_HANDLERS[topic](ctx) == result, topic
        variables.update(result)
    return variables


def test_every_handler_runs_for_a_spread_of_demo_persons(ledger, demo):
    ports = build_ports("ledger", db_engine=ledger)
    outcomes = Counter()
    for person in demo[::16]:
        result = _run_case(ledger, ports, person)
        outcomes["mismatch"] += result["birth_check"]["mismatch"]
        outcomes["arrears"] += result["contribution_check"]["arrears_months"] > 0
        outcomes["paid"] += result["housing_fund_withdrawal"]["reference"] is not None
        outcomes["only_child"] += result["only_child"]["eligible"]
        outcomes["bad_phone"] += result["sms"]["status"] != "sent"
        assert result["medical_retiree"]["since"] == result["retirement_date"]
        assert float(result["pension"]["monthly_total"]) > 0
    assert all(outcomes[k] > 0 for k in ("mismatch", "arrears", "paid", "only_child", "bad_phone")), outcomes


def _counts(db):
    with db.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in schema.metadata.sorted_tables}


def test_each_job_run_twice_returns_the_same_and_writes_once(ledger, demo):
    ports = build_ports("ledger", db_engine=ledger)
    person = next(p for p in demo if p["housing_fund_account"] and p["only_child_certificate"] and p["phone_valid"])
    _run_case(ledger, ports, person, twice=True)
    counts = _counts(ledger)
    assert [counts[n] for n in ("ledger_housing_fund_withdrawals", "ledger_pension_awards", "ledger_sms_outbox",
                                "ledger_only_child_rewards", "ledger_pushes")] == [1, 1, 1, 1, 2]
