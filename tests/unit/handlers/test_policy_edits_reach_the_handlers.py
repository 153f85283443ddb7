"""Rules are data: a policy officer's edit of a table or a setting in processes/ changes what the handlers do.

Each test edits a copy of processes/ (a county override, or the national file itself) exactly as a policy officer
would in the modeler, evaluates the tables through ``ctx.decide`` as the engine resolves them along the county's
chain, and checks the handler's result follows the edit. A Python copy of the rule beside the data would give the
old value and fail the test; so does a handler that falls back to one when the table or setting is missing."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from handler_builders import SETTINGS, WANG, person

from engine.localities import deep_merge
from handlers import data_bureau, health, hrss, medical_insurance, social_insurance
from handlers.context import HandlerError
from handlers.fakes import FakeContributions, FakeHealth, FakeMedical, FakePension, FakeRoster, fake_ports
from tests.support.decisions import decide_in, edited, settings_of


def _nothing_deployed(decision_id, inputs):
    """A locality where no table of that id is in force."""
    raise LookupError(decision_id)


def _pension_ports(balance="139000"):
    contributions = FakeContributions()
    contributions.add(WANG, kind="actual", locality="340722", start_month="1996-01", end_month="2025-12",
                      wage_index=1)
    return fake_ports(roster=FakeRoster([person()]), contributions=contributions,
                      pension=FakePension({WANG: {"status": "active", "balance": balance}}))


def test_a_county_that_changes_the_divisor_for_sixty_changes_the_pension(make_ctx, tmp_path):
    variables = {"id_number": WANG, "retirement_date": "2026-03-01"}   # born 1966-03: exactly 60 years
    shipped = social_insurance.compute_pension(make_ctx(ports=_pension_ports(), variables=variables))
    assert shipped["pension"]["divisor"] == "139" and shipped["pension"]["account"] == "1000.00"
    processes = edited(tmp_path, "000000/pension_divisor.dmn", "round_half_up(139 - (139 - 132)",
                       "round_half_up(100 - (100 - 132)", into="340722")
    changed = social_insurance.compute_pension(make_ctx(ports=_pension_ports(), variables=variables,
                                                        decide=decide_in("340722", processes)))
    assert changed["pension"]["divisor"] == "100" and changed["pension"]["account"] == "1390.00"
    elsewhere = social_insurance.compute_pension(make_ctx(ports=_pension_ports(), variables=variables,
                                                          locality="220000", decide=decide_in("220000", processes)))
    assert elsewhere["pension"]["divisor"] == "139", "the override is Zongyang's only"


def test_without_a_divisor_table_the_pension_is_not_computed_from_a_builtin_one(make_ctx):
    with pytest.raises(HandlerError, match="pension_divisor"):
        social_insurance.compute_pension(make_ctx(ports=_pension_ports(), decide=_nothing_deployed,
                                                  variables={"id_number": WANG, "retirement_date": "2026-03-01"}))


def _contribution_ports():
    contributions = FakeContributions()
    contributions.add(WANG, kind="actual", locality="340722", start_month="2011-01", end_month="2026-02",
                      wage_index=1)                                        # 182 months
    return fake_ports(contributions=contributions, pension=FakePension({WANG: {"status": "active", "balance": 1}}))


def test_a_raised_minimum_contribution_makes_the_same_history_fall_short(make_ctx, tmp_path):
    variables = {"id_number": WANG, "retirement_date": "2026-07-01"}
    shipped = social_insurance.check_contributions(make_ctx(ports=_contribution_ports(), variables=variables))
    assert shipped["contribution_check"]["minimum_months"] == 180 and shipped["contribution_check"]["ok"] is True
    processes = edited(tmp_path, "000000/minimum_contribution_months.dmn", "<text>180</text>", "<text>192</text>")
    changed = social_insurance.check_contributions(make_ctx(ports=_contribution_ports(), variables=variables,
                                                            decide=decide_in("340722", processes)))
    assert changed["contribution_check"]["minimum_months"] == 192 and changed["contribution_check"]["ok"] is False


def test_without_the_minimum_table_the_check_fails_instead_of_assuming_fifteen_years(make_ctx):
    with pytest.raises(HandlerError, match="minimum_contribution_months"):
        social_insurance.check_contributions(make_ctx(ports=_contribution_ports(), decide=_nothing_deployed,
                                                      variables={"id_number": WANG, "retirement_date": "2026-07-01"}))


def test_a_county_that_takes_the_id_card_date_changes_the_birth_check(make_ctx, tmp_path):
    ports = fake_ports(roster=FakeRoster([person(birth_date_file=date(1965, 11, 2))]))
    shipped = hrss.verify_birth_date(make_ctx(ports=ports, variables={"id_number": WANG}))
    assert shipped["birth_check"]["effective"] == "1965-11-02"
    # the rule "the file's earliest date wins when it differs" (rule_003) now keeps the ID card's date
    processes = edited(tmp_path, "000000/birth_date_source.dmn",
                       '<outputEntry id="rule_003_effective_birth_date">\n          <text>file_earliest_birth_date',
                       '<outputEntry id="rule_003_effective_birth_date">\n          <text>id_card_birth_date',
                       into="340722")
    changed = hrss.verify_birth_date(make_ctx(ports=ports, variables={"id_number": WANG},
                                              decide=decide_in("340722", processes)))
    assert changed["birth_check"] == {"id_card": "1966-03-15", "file_earliest": "1965-11-02",
                                      "effective": "1966-03-15", "mismatch": True}


def test_a_changed_statutory_age_moves_the_person_to_another_quarters_list(make_ctx, tmp_path):
    ports = fake_ports(roster=FakeRoster([person()]))                     # 1966-03 male: 60y4m → 2026-07
    listed = lambda quarter, **kw: [p["retirement_month"] for p in social_insurance.list_upcoming(  # noqa: E731
        make_ctx(ports=ports, inputs={"quarter": quarter}, **kw))["upcoming"]]
    assert listed("2026Q3") == ["2026-07"]
    processes = edited(tmp_path, "000000/statutory_retirement_age.dmn", "add_months(birth_month, 724)",
                       "add_months(birth_month, 732)")                    # that cohort at 61
    assert listed("2026Q3", decide=decide_in("340722", processes)) == []
    assert listed("2027Q1", decide=decide_in("340722", processes)) == ["2027-03"]


def test_the_monthly_batch_of_a_channel_is_the_localitys_setting(make_ctx):
    township = {"id_number": WANG, "channel": "township"}
    national = hrss.register_acceptance(make_ctx(settings=settings_of("000000"), variables=township))
    assert national["acceptance"]["batch_group"] == "community"
    moved = deep_merge(settings_of("000000"), {"acceptance": {"batch_groups": {"township": "agency"}}})
    assert hrss.register_acceptance(make_ctx(settings=moved, variables=township))["acceptance"]["batch_group"] \
        == "agency"
    zongyang = hrss.register_acceptance(make_ctx(settings=settings_of("340722"),
                                                 variables={"id_number": WANG, "channel": "agency"}))
    assert zongyang["acceptance"]["batch_group"] == "county_agency"


def test_a_channel_the_settings_do_not_map_is_not_put_in_a_batch_by_guess(make_ctx):
    settings = deep_merge(SETTINGS, {})
    settings["acceptance"]["batch_groups"] = {"community": "community"}   # online is not mapped
    with pytest.raises(HandlerError, match="acceptance.batch_groups"):
        hrss.register_acceptance(make_ctx(settings=settings, variables={"id_number": WANG, "channel": "online"}))


def test_the_first_pension_month_follows_the_payment_offset_setting(make_ctx):
    pension = {"monthly_total": "3000.00"}
    variables = {"id_number": WANG, "retirement_date": "2026-07-01", "pension": pension}
    assert social_insurance.award_pension(make_ctx(variables=variables))["pension_award"]["first_payment_month"] \
        == "2026-08"
    later = deep_merge(SETTINGS, {"pension": {"first_payment_offset_months": 2}})
    assert social_insurance.award_pension(make_ctx(variables=variables, settings=later, key="k2"))[
        "pension_award"]["first_payment_month"] == "2026-09"


@pytest.mark.parametrize("name", ["min_actual_months", "min_local_months", "deemed_counts", "lump_sum_allowed",
                                  "monthly_top_up_rate", "top_up_base_monthly"])
def test_a_retiree_medical_parameter_missing_from_the_settings_is_an_error_not_a_builtin_default(make_ctx, name):
    settings = deep_merge(SETTINGS, {})
    del settings["medical"][name]
    ports = fake_ports(medical=FakeMedical({WANG: {"actual_months": 200, "deemed_months": 60, "local_months": 150,
                                                   "status": "insured", "retiree_since": None}}))
    with pytest.raises(HandlerError, match=f"medical.{name}"):
        medical_insurance.check_retiree_years(make_ctx(ports=ports, settings=settings, variables={"id_number": WANG}))


def test_a_higher_top_up_rate_in_the_settings_raises_what_the_person_owes(make_ctx):
    ports = fake_ports(medical=FakeMedical({WANG: {"actual_months": 200, "deemed_months": 60, "local_months": 150,
                                                   "status": "insured", "retiree_since": None}}))
    owed = lambda settings: Decimal(medical_insurance.check_retiree_years(make_ctx(  # noqa: E731
        ports=ports, settings=settings, variables={"id_number": WANG, "sex": "male"}))["medical"]["top_up_due"])
    assert owed(SETTINGS) == Decimal("24000.00")                        # 40 months × 6000 × 10 %
    assert owed(deep_merge(SETTINGS, {"medical": {"monthly_top_up_rate": "0.12"}})) == Decimal("28800.00")


def test_the_only_child_reward_channel_is_the_localitys_setting(make_ctx):
    ports = fake_ports(health=FakeHealth({WANG: "独340722000123"}))
    settings = deep_merge(SETTINGS, {"health": {"only_child_reward_channel": "县卫健委"}})
    result = health.only_child_reward(make_ctx(ports=ports, settings=settings, variables={"id_number": WANG}))
    assert result["only_child"]["channel"] == "县卫健委"
    del settings["health"]["only_child_reward_channel"]
    with pytest.raises(HandlerError, match="only_child_reward_channel"):
        health.only_child_reward(make_ctx(ports=ports, settings=settings, variables={"id_number": WANG}, key="k2"))


def test_a_locality_that_stops_sharing_the_bank_card_pushes_the_case_without_it(make_ctx):
    variables = {"id_number": WANG, "name": "王建国", "bank_card": "6217001234567890123"}
    shipped, narrower = fake_ports(), fake_ports()
    data_bureau.push_case(make_ctx(ports=shipped, variables=variables, inputs={"departments": "housing_fund"}))
    assert shipped.exchange.pushes[("CASE-1", "housing_fund")]["payload"]["bank_card"] == "6217001234567890123"
    settings = deep_merge(SETTINGS, {})
    settings["exchange"]["shared_variables"] = ["id_number", "name"]
    data_bureau.push_case(make_ctx(ports=narrower, variables=variables, settings=settings,
                                   inputs={"departments": "housing_fund"}))
    assert narrower.exchange.pushes[("CASE-1", "housing_fund")]["payload"] == {"id_number": WANG, "name": "王建国"}
