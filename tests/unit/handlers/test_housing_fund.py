from decimal import Decimal

from handler_builders import LI, WANG

from handlers import housing_fund
from handlers.fakes import FakeHousingFund, fake_ports


def _ports():
    return fake_ports(housing_fund=FakeHousingFund([
        {"account_no": "GJJ001", "id_number": WANG, "balance": Decimal("86500.40"), "status": "open", "sealed_on": None,
         "bank_card": "6217001234567890123"}]))


VARIABLES = {"id_number": WANG, "requested_card": "6217001234567890123"}


def test_sealing_records_the_date_and_keeps_the_balance(make_ctx):
    result = housing_fund.seal_account(make_ctx(ports=_ports(), variables=VARIABLES))
    assert result == {"housing_fund": {"account_no": "GJJ001", "balance": "86500.40", "sealed_on": "2026-11-20",
                                       "status": "sealed"}}


def test_a_person_without_an_account_gets_an_empty_result(make_ctx):
    result = housing_fund.seal_account(make_ctx(ports=_ports(), variables={"id_number": LI}))
    assert result["housing_fund"]["account_no"] is None


def test_withdrawal_pays_the_balance_exactly_once(make_ctx):
    ports = _ports()
    first = housing_fund.withdraw(make_ctx(ports=ports, variables=VARIABLES, key="job-1"))
    same_job = housing_fund.withdraw(make_ctx(ports=ports, variables=VARIABLES, key="job-1"))
    other_job = housing_fund.withdraw(make_ctx(ports=ports, variables=VARIABLES, key="job-2"))
    assert first == same_job == other_job
    assert first["housing_fund_withdrawal"]["amount"] == "86500.40"
    assert len(ports.housing_fund.payments) == 1
    assert ports.housing_fund.accounts["GJJ001"]["status"] == "closed"


def test_withdrawal_pays_the_centres_card_not_the_one_the_application_names(make_ctx):
    ports = _ports()
    result = housing_fund.withdraw(make_ctx(ports=ports, variables={"id_number": WANG,
                                                                    "requested_card": "6222020000000000999"}))
    assert [p["bank_card"] for p in ports.housing_fund.payments] == ["6217001234567890123"]
    assert result["housing_fund_withdrawal"]["requested_card_differs"] is True


def test_the_window_clerk_sees_only_the_masked_card_the_centre_holds(make_ctx):
    shown = housing_fund.card_on_file(make_ctx(ports=_ports(), variables={"id_number": WANG,
                                                                          "requested_card": "6222020000000000999"}))
    assert shown["card_on_file"] == "***************0123"
    assert shown["card_on_file_source"] == "公积金中心登记的本人银行卡"
    assert "0999" not in str(shown), "a card typed in the application is never shown as the payee"
