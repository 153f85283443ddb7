import pytest
from handler_builders import LI, WANG

from handlers import medical_insurance as medical
from handlers.context import BusinessRuleViolation
from handlers.fakes import FakeMedical, fake_ports


def _ports(**account):
    base = {"actual_months": 200, "deemed_months": 60, "local_months": 150, "status": "insured", "retiree_since": None}
    return fake_ports(medical=FakeMedical({WANG: dict(base, **account), LI: dict(base, **account)}))


def test_men_short_of_the_total_years_owe_a_top_up(make_ctx):
    result = medical.check_retiree_years(make_ctx(ports=_ports(), variables={"id_number": WANG, "sex": "male"}))
    # 300 required, 260 counted; 40 months × 6000 × 10 % = 24000
    assert result["medical"] == {"total_months": 260, "actual_months": 200, "local_months": 150,
                                 "minimum_total_months": 300, "shortfall_months": 40, "top_up_due": "24000.00",
                                 "outcome": "lump_sum_top_up", "lump_sum_allowed": True, "eligible": False}


def test_women_meet_a_lower_total(make_ctx):
    result = medical.check_retiree_years(make_ctx(ports=_ports(), variables={"id_number": LI}))
    assert result["medical"]["eligible"] is True and result["medical"]["top_up_due"] == "0.00"


def test_deemed_months_do_not_count_where_the_locality_says_so(make_ctx):
    from handler_builders import SETTINGS
    settings = dict(SETTINGS, medical=dict(SETTINGS["medical"], deemed_counts=False))
    result = medical.check_retiree_years(make_ctx(ports=_ports(), settings=settings, variables={"id_number": LI}))
    assert result["medical"]["total_months"] == 200 and result["medical"]["shortfall_months"] == 40


def test_too_few_local_months_is_a_shortfall_even_with_enough_in_total(make_ctx):
    result = medical.check_retiree_years(make_ctx(ports=_ports(actual_months=300, local_months=20),
                                                  variables={"id_number": WANG}))
    assert result["medical"]["shortfall_months"] == 40


def test_top_up_is_recorded_once_and_fills_the_months(make_ctx):
    ports = _ports()
    variables = {"id_number": WANG, "medical": {"shortfall_months": 40, "top_up_due": "24000.00"}}
    first = medical.record_top_up(make_ctx(ports=ports, variables=variables))
    second = medical.record_top_up(make_ctx(ports=ports, variables=variables))
    assert first == second and first["medical_top_up"]["amount"] == "24000.00"
    assert ports.medical.accounts[WANG]["actual_months"] == 240
    after = medical.check_retiree_years(make_ctx(ports=ports, variables={"id_number": WANG}))
    assert after["medical"]["eligible"] is True


def test_switch_to_retiree_keeps_the_first_date(make_ctx):
    ports = _ports()
    first = medical.switch_to_retiree(make_ctx(ports=ports, variables={"id_number": WANG, "retirement_date": "2026-07-01"}))
    again = medical.switch_to_retiree(make_ctx(ports=ports, variables={"id_number": WANG, "retirement_date": "2026-08-01"}))
    assert first == again == {"medical_retiree": {"since": "2026-07-01"}}


def test_a_person_without_medical_insurance_is_refused(make_ctx):
    with pytest.raises(BusinessRuleViolation):
        medical.check_retiree_years(make_ctx(variables={"id_number": WANG}))


def test_a_dated_parameter_applies_from_its_date_to_cases_retiring_after_it(make_ctx):
    from handler_builders import SETTINGS
    from handlers.context import HandlerError
    dated = [{"from": "2025-01-01", "value": 300}, {"from": "2027-01-01", "value": 360}]
    settings = dict(SETTINGS, medical=dict(SETTINGS["medical"], min_total_months_male=dated))

    def check(retirement_date):
        return medical.check_retiree_years(make_ctx(ports=_ports(), settings=settings, variables={
            "id_number": WANG, "sex": "male", "retirement_date": retirement_date}))["medical"]

    assert check("2026-12-01")["minimum_total_months"] == 300
    assert check("2027-01-01")["minimum_total_months"] == 360 and check("2027-01-01")["shortfall_months"] == 100
    with pytest.raises(HandlerError, match="no value in force on 2024-06-01"):
        check("2024-06-01")


def test_without_a_lump_sum_the_table_asks_for_monthly_contributions(make_ctx):
    from handler_builders import SETTINGS
    settings = dict(SETTINGS, medical=dict(SETTINGS["medical"], lump_sum_allowed=False))
    result = medical.check_retiree_years(make_ctx(ports=_ports(), settings=settings,
                                                  variables={"id_number": WANG, "sex": "male"}))
    assert result["medical"]["outcome"] == "monthly_contribution" and result["medical"]["eligible"] is False
