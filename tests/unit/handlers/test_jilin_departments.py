"""公安's household check with its reason and stage, 卫健's policy and claim, and the employer's declaration list."""
from datetime import date

import pytest
from handler_builders import SETTINGS, ZHAO

from handlers import employer, health, public_security
from handlers.context import HandlerError
from handlers.fakes import FakeHealth, FakeHouseholdRegister, FakeRoster, fake_ports

ZHAO_RECORD = {"name": "赵国庆", "address": "长春市南关区1号", "birth_date": date(1966, 5, 20)}


def _household(ctx_factory, record, **variables):
    ports = fake_ports(household=FakeHouseholdRegister({ZHAO: record} if record else {}))
    return public_security.verify_household(ctx_factory(ports=ports, locality="220000",
                                                        variables={"id_number": ZHAO, **variables}))


def test_a_missing_household_record_is_inconsistent_with_the_reason_for_the_police(make_ctx):
    out = _household(make_ctx, None, household_stage="declaration")
    assert out["household"]["consistent"] is False and "没有" in out["household"]["reason"]
    assert out["household_checks"] == [{"stage": "declaration", "stage_name": "申报", "on": "2026-11-20",
                                         "consistent": False, "reason": out["household"]["reason"]}]


def test_a_different_name_in_the_register_is_named_as_the_reason(make_ctx):
    out = _household(make_ctx, ZHAO_RECORD, name="赵国强", household_stage="approval")
    assert out["household"]["consistent"] is False and "姓名" in out["household"]["reason"]


def test_each_stage_is_recorded_once_and_a_recheck_replaces_the_stage_entry(make_ctx):
    earlier = [{"stage": "declaration", "consistent": True}, {"stage": "review", "consistent": False}]
    out = _household(make_ctx, ZHAO_RECORD, name="赵国庆", household_stage="review", household_checks=earlier)
    assert [(c["stage"], c["consistent"]) for c in out["household_checks"]] == [("declaration", True),
                                                                                  ("review", True)]
    assert "reason" not in out["household"]


NOTICE = {"item_notices": {"only_child_reward": {"policy": "持证职工退休时给予奖励", "channel": "吉事办",
                                                 "procedure": "1.申请 2.核验 3.发放"}}}


def test_the_policy_step_shows_the_text_channel_and_procedure_and_grants_nothing(make_ctx):
    ports = fake_ports(health=FakeHealth({ZHAO: "JL-1"}))
    ctx = make_ctx(ports=ports, settings={**SETTINGS, **NOTICE}, variables={"id_number": ZHAO})
    out = health.only_child_policy(ctx)
    assert out["only_child"]["eligible"] is True and out["only_child"]["claim"] == "pending"
    assert out["only_child"]["procedure"] == "1.申请 2.核验 3.发放" and out["only_child"]["channel"] == "吉事办"
    assert ports.health.rewards == {}


def test_a_handled_claim_is_recorded_once_and_an_unhandled_one_is_refused(make_ctx):
    ports = fake_ports(health=FakeHealth({ZHAO: "JL-1"}))
    variables = {"id_number": ZHAO, "only_child_claim": "handled", "only_child_paid_by": "employer",
                 "only_child": {"eligible": True, "certificate_no": "JL-1", "reward_type": "lump_sum"}}
    first = health.record_only_child_claim(make_ctx(ports=ports, variables=variables))
    again = health.record_only_child_claim(make_ctx(ports=ports, variables=variables))
    assert first == again and first["only_child"]["claim"] == "handled" and len(ports.health.rewards) == 1
    with pytest.raises(HandlerError):
        refused = {**variables, "only_child_claim": "not_eligible"}
        health.record_only_child_claim(make_ctx(ports=ports, variables=refused))


def test_the_declaration_list_groups_the_people_reaching_age_that_month_by_employer_with_masked_ids(make_ctx):
    roster = FakeRoster([
        {"id_number": ZHAO, "name": "赵国庆", "category": "male", "birth_date_id_card": date(1966, 5, 20),
         "locality": "220102", "employer": "长春一汽", "phone": "13912345678"},
    ])
    out = employer.list_declarations_due(make_ctx(ports=fake_ports(roster=roster), locality="220000", inputs={
        "retirement_month": "2026-10", "declaration_due": "2026-04-01"}))
    assert out["declarations_count"] == 1
    [entry] = out["declarations_due"]
    assert entry["employer"] == "长春一汽" and entry["declaration_due"] == "2026-04-01"
    assert entry["persons"][0]["id_number"] != ZHAO and entry["persons"][0]["retirement_month"] == "2026-10"
    none = employer.list_declarations_due(make_ctx(ports=fake_ports(roster=roster), locality="220000", inputs={
        "retirement_month": "2026-11", "declaration_due": "2026-05-01"}))
    assert none["declarations_count"] == 0 and none["declarations_due"] == []
