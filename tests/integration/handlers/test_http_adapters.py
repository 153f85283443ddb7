"""HTTP adapters against a real local server that stands for a department system."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from department_server import DepartmentApp, DepartmentServer
from ledger_builders import ledger_ctx

from handlers import build_ports, housing_fund
from handlers.context import BusinessRuleViolation, HandlerError
from handlers.fakes import FakeHousingFund, FakeRoster
from handlers.http import DepartmentClient
from handlers.personal import make_id_number

WANG = make_id_number("340722", date(1966, 3, 15), 17)


@pytest.fixture
def fund():
    app = DepartmentApp(FakeHousingFund([{"account_no": "GJJ001", "id_number": WANG, "balance": Decimal("86500.40"),
                                          "status": "open", "sealed_on": None,
                                          "bank_card": "6217001234567890123"}]))  # the card the centre pays
    with DepartmentServer(app) as server:
        yield app, server


def _ports(server, **options):
    config = {"housing_fund": {"base_url": server.url, "timeout": 2, "retries": 3, "backoff": 0.01, **options}}
    ports = build_ports("fake")
    remote = build_ports("http", http_config={"default": {"base_url": "http://127.0.0.1:9"}, **config})
    ports.housing_fund = remote.housing_fund
    return ports


def test_a_503_is_retried_until_the_department_answers(fund):
    app, server = fund
    app.fail_next = 2
    account = _ports(server).housing_fund.account(WANG)
    assert account["account_no"] == "GJJ001"
    assert len(app.calls) == 3


def test_the_idempotency_key_returns_the_first_result(fund):
    app, server = fund
    client = DepartmentClient(server.url, retries=0)
    first = client.call("withdraw", {"account_no": "GJJ001", "bank_card": "6217", "on": date(2026, 11, 20)},
                        idempotency_key="job-1")
    app.port.accounts["GJJ001"]["balance"] = Decimal("5")  # a replay must not pay this
    app.port.withdrawals.clear()
    again = client.call("withdraw", {"account_no": "GJJ001", "bank_card": "6217", "on": date(2026, 11, 21)},
                        idempotency_key="job-1")
    assert again == first and first["amount"] == "86500.40"
    assert len(app.port.payments) == 1
    assert [c["key"] for c in app.calls] == ["job-1", "job-1"]


def test_a_withdrawal_handler_runs_over_http_and_sends_its_job_key(fund):
    app, server = fund
    ctx = ledger_ctx(None, ports=_ports(server), key="inst-9:withdraw",
                     variables={"id_number": WANG, "bank_card": "6217001234567890123"})
    result = housing_fund.withdraw(ctx)
    assert result["housing_fund_withdrawal"]["amount"] == "86500.40"
    assert housing_fund.withdraw(ctx) == result
    assert ("withdraw", "inst-9:withdraw") in {(c["operation"], c["key"]) for c in app.calls}
    assert len(app.port.payments) == 1


def test_a_timeout_becomes_a_handler_error(fund):
    app, server = fund
    app.delay = 0.5
    with pytest.raises(HandlerError):
        _ports(server, timeout=0.1, retries=1).housing_fund.account(WANG)


def test_a_department_that_is_down_becomes_a_handler_error():
    client = DepartmentClient("http://127.0.0.1:9", retries=1, backoff=0.01)
    with pytest.raises(HandlerError):
        client.call("account", {"id_number": WANG})


def test_a_refusal_is_a_business_rule_violation():
    class Refusing(FakeRoster):
        def get(self, id_number):
            raise BusinessRuleViolation("sealed_file", "the personnel file is sealed")
    with DepartmentServer(DepartmentApp(Refusing())) as server:
        roster = build_ports("http", http_config={"default": {"base_url": "http://127.0.0.1:9"},
                                                  "roster": {"base_url": server.url}}).roster
        with pytest.raises(BusinessRuleViolation) as refused:
            roster.get(WANG)
    assert refused.value.code == "sealed_file"
