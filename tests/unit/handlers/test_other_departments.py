from datetime import date

from handler_builders import SETTINGS, WANG

from handlers import data_bureau, health, public_security
from handlers.fakes import FakeHealth, FakeHouseholdRegister, fake_ports


def test_household_matching_the_id_card_is_consistent(make_ctx):
    ports = fake_ports(household=FakeHouseholdRegister({WANG: {"name": "王建国", "address": "枞阳镇1号",
                                                               "birth_date": date(1966, 3, 15)}}))
    result = public_security.verify_household(make_ctx(ports=ports, variables={"id_number": WANG, "name": "王建国"}))
    assert result == {"household": {"registered": True, "address": "枞阳镇1号", "birth_date": "1966-03-15",
                                    "consistent": True}}


def test_household_with_another_birth_date_is_inconsistent(make_ctx):
    ports = fake_ports(household=FakeHouseholdRegister({WANG: {"name": "王建国", "address": "x", "birth_date": "1966-03-16"}}))
    assert public_security.verify_household(make_ctx(ports=ports, variables={"id_number": WANG}))["household"]["consistent"] is False


def test_no_household_record_means_not_registered(make_ctx):
    result = public_security.verify_household(make_ctx(variables={"id_number": WANG}))
    assert result["household"]["registered"] is False


def test_only_child_reward_is_granted_once_with_the_locality_reward_type(make_ctx):
    ports = fake_ports(health=FakeHealth({WANG: "独340722000123"}))
    settings = dict(SETTINGS, health={**SETTINGS["health"], "only_child_reward_type": "pension_increment"})
    first = health.only_child_reward(make_ctx(ports=ports, settings=settings, variables={"id_number": WANG}))
    again = health.only_child_reward(make_ctx(ports=ports, settings=settings, variables={"id_number": WANG}))
    assert first == again == {"only_child": {"eligible": True, "certificate_no": "独340722000123",
                                             "reward_type": "pension_increment", "channel": "employer"}}
    assert len(ports.health.rewards) == 1


def test_no_certificate_means_no_reward(make_ctx):
    result = health.only_child_reward(make_ctx(variables={"id_number": WANG}))
    assert result["only_child"]["eligible"] is False and not result["only_child"]["certificate_no"]


def test_case_is_pushed_to_each_department_once(make_ctx):
    ports = fake_ports()
    variables = {"id_number": WANG, "name": "王建国", "approval": {"approval_no": "TX1"}, "internal": 1}
    ctx = make_ctx(ports=ports, variables=variables, inputs={"departments": "medical_insurance, housing_fund"})
    assert data_bureau.push_case(ctx) == {"pushed_to": ["medical_insurance", "housing_fund"]}
    data_bureau.push_case(ctx)
    assert sorted(ports.exchange.pushes) == [("CASE-1", "housing_fund"), ("CASE-1", "medical_insurance")]
    assert "internal" not in ports.exchange.pushes[("CASE-1", "housing_fund")]["payload"]
