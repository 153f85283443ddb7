from datetime import date
from decimal import Decimal

import pytest

from handlers import social_insurance as si
from handlers.context import BusinessRuleViolation
from handlers.fakes import FakeContributions, FakePension, FakeRoster, fake_ports
from handlers.personal import make_id_number

from handler_builders import LI, WANG, ZHAO, default_decide, person


def _roster():
    return FakeRoster([
        person(WANG),                                                      # 2026-07: 2026Q3
        person(LI, name="李秀英", category="female_worker"),               # 2027-02: 2027Q1
        person(ZHAO, name="赵强"),                                         # Changchun
        person(make_id_number("340722", date(1967, 1, 1), 11), name="钱伟",
               birth_date_file=date(1966, 9, 1)),                          # ID 2027-08, file date → 2027-03
    ])


def test_upcoming_lists_persons_of_the_locality_reaching_age_in_the_quarter(make_ctx):
    result = si.list_upcoming(make_ctx(ports=fake_ports(roster=_roster()), inputs={"quarter": "2027Q1"}))
    assert result["quarter"] == "2027Q1"
    assert [(p["name"], p["retirement_month"]) for p in result["upcoming"]] == [("李秀英", "2027-02"),
                                                                                ("钱伟", "2027-03")]


def test_upcoming_defaults_to_the_next_quarter_and_covers_sub_localities(make_ctx):
    ctx = make_ctx(ports=fake_ports(roster=_roster()), locality="340000")
    assert si.list_upcoming(ctx)["quarter"] == "2027Q1"
    ctx = make_ctx(ports=fake_ports(roster=_roster()), locality="220000", inputs={"quarter": "2026Q4"})
    assert [p["name"] for p in si.list_upcoming(ctx)["upcoming"]] == ["赵强"]


def test_upcoming_evaluates_the_decision_once_per_category_and_birth_month(make_ctx):
    calls = []

    def decide(decision_id, inputs):
        calls.append(inputs)
        return default_decide(decision_id, inputs)
    roster = FakeRoster([person(make_id_number("340722", date(1966, 9, d), d * 2 + 1)) for d in range(1, 21)])
    si.list_upcoming(make_ctx(ports=fake_ports(roster=roster), decide=decide, inputs={"quarter": "2027Q1"}))
    assert calls == [{"category": "male", "birth_month": "1966-09"}]


def _history():
    contributions = FakeContributions()
    contributions.add(WANG, kind="deemed", locality="340722", start_month="1976-01", end_month="1995-12",
                      wage_index=Decimal("1.2"))
    contributions.add(WANG, kind="actual", locality="320102", start_month="1996-01", end_month="1999-12",
                      wage_index=Decimal("1.2"))
    contributions.add(WANG, kind="actual", locality="340722", start_month="2001-01", end_month="2011-12",
                      wage_index=Decimal("1.2"))
    return contributions


def test_contribution_check_reports_gaps_arrears_and_accounts_elsewhere(make_ctx):
    contributions = _history()
    contributions.add(WANG, kind="actual", locality="340722", start_month="2012-01", end_month="2026-06",
                      wage_index=Decimal("1.2"), arrears_months=3, arrears_amount=Decimal("2400.50"))
    ports = fake_ports(contributions=contributions, pension=FakePension({WANG: {"status": "active", "balance": 1}}))
    check = si.check_contributions(make_ctx(ports=ports, variables={"id_number": WANG,
                                                                    "retirement_date": "2026-07-01"}))
    assert check["contribution_check"] == {
        "status": "active", "arrears_months": 3, "arrears_amount": "2400.50",
        "interruptions": [{"from": "2000-01", "to": "2000-12"}], "accounts_to_consolidate": ["320102"],
        "actual_months": 48 + 132 + 174 - 3, "deemed_months": 240, "total_months": 591, "minimum_months": 180,
        "ok": False}


def test_contribution_check_uses_the_minimum_years_decision(make_ctx):
    def decide(decision_id, inputs):
        assert decision_id == "minimum_contribution_months" and inputs == {"retirement_year": 2035}
        return {"months": 216}
    contributions = FakeContributions()
    contributions.add(WANG, kind="actual", locality="340722", start_month="2018-01", end_month="2034-12", wage_index=1)
    ports = fake_ports(contributions=contributions, pension=FakePension({WANG: {"status": "active", "balance": 1}}))
    check = si.check_contributions(make_ctx(ports=ports, decide=decide,
                                            variables={"id_number": WANG, "retirement_date": "2035-03-01"}))
    assert check["contribution_check"]["minimum_months"] == 216
    assert check["contribution_check"]["total_months"] == 204 and check["contribution_check"]["ok"] is False


def test_pension_worked_example_for_sixty_years_one_month(make_ctx):
    contributions = FakeContributions()
    contributions.add(WANG, kind="deemed", locality="340722", start_month="1976-01", end_month="1995-12",
                      wage_index=Decimal("1.2"))
    contributions.add(WANG, kind="actual", locality="340722", start_month="1996-01", end_month="2010-12",
                      wage_index=Decimal("1.2"))
    ports = fake_ports(roster=FakeRoster([person()]), contributions=contributions,
                       pension=FakePension({WANG: {"status": "active", "balance": Decimal("120000")}}))
    result = si.compute_pension(make_ctx(ports=ports, variables={"id_number": WANG, "retirement_date": "2026-04-01"}))
    # born 1966-03: retiring 2026-04 is 60 years 1 month → divisor 138.4
    assert result["pension"] == {"basic": "3079.62", "account": "867.05", "transitional": "2495.69",
                                 "monthly_total": "6442.36", "divisor": "138.4", "years": "35.00",
                                 "average_index": "1.2000"}


def test_pension_divisor_comes_from_the_decision_when_deployed(make_ctx):
    def decide(decision_id, inputs):
        assert inputs == {"age_years": 60, "age_months": 1}
        return {"months": 139}
    contributions = FakeContributions()
    contributions.add(WANG, kind="actual", locality="340722", start_month="1996-01", end_month="2025-12", wage_index=1)
    ports = fake_ports(roster=FakeRoster([person()]), contributions=contributions,
                       pension=FakePension({WANG: {"status": "active", "balance": "139000"}}))
    result = si.compute_pension(make_ctx(ports=ports, decide=decide,
                                         variables={"id_number": WANG, "retirement_date": "2026-04-01"}))
    assert result["pension"]["account"] == "1000.00" and result["pension"]["divisor"] == "139"


def test_pension_without_an_account_is_refused(make_ctx):
    with pytest.raises(BusinessRuleViolation) as refused:
        si.compute_pension(make_ctx(ports=fake_ports(roster=FakeRoster([person()])),
                                    variables={"id_number": WANG, "retirement_date": "2026-04-01"}))
    assert refused.value.code == "no_pension_account"


def test_award_is_made_once_and_paid_from_the_next_month(make_ctx):
    ports = fake_ports()
    variables = {"id_number": WANG, "retirement_date": "2026-07-01", "pension": {"monthly_total": "6442.36"}}
    first = si.award_pension(make_ctx(ports=ports, variables=variables))
    again = si.award_pension(make_ctx(ports=ports, variables=dict(variables, pension={"monthly_total": "1.00"})))
    assert first == again
    assert first["pension_award"]["first_payment_month"] == "2026-08"
    assert first["pension_award"]["monthly_total"] == "6442.36"
