from datetime import date, datetime, timezone

from handlers import hrss
from handlers.fakes import FakeContributions, FakeRoster, fake_ports

from handler_builders import WANG, person


def test_the_earliest_birth_date_in_the_file_wins_over_the_id_card(make_ctx):
    ports = fake_ports(roster=FakeRoster([person(birth_date_file=date(1965, 11, 2))]))
    result = hrss.verify_birth_date(make_ctx(ports=ports, variables={"id_number": WANG}))
    assert result == {"birth_check": {"id_card": "1966-03-15", "file_earliest": "1965-11-02",
                                      "effective": "1965-11-02", "mismatch": True}}


def test_the_id_card_date_stands_when_the_file_has_none(make_ctx):
    ports = fake_ports(roster=FakeRoster([person()]))
    check = hrss.verify_birth_date(make_ctx(ports=ports, variables={"id_number": WANG}))["birth_check"]
    assert check["effective"] == "1966-03-15" and check["mismatch"] is False


def test_the_birth_date_decision_is_used_when_deployed(make_ctx):
    seen = []

    def decide(decision_id, inputs):
        seen.append((decision_id, inputs))
        return {"effective_birth_date": "1966-03-15", "mismatch": False}
    ports = fake_ports(roster=FakeRoster([person(birth_date_file=date(1965, 11, 2))]))
    check = hrss.verify_birth_date(make_ctx(ports=ports, variables={"id_number": WANG}, decide=decide))
    assert check["birth_check"]["effective"] == "1966-03-15"
    assert seen == [("birth_date_source", {"id_card_birth_date": "1966-03-15",
                                           "file_earliest_birth_date": "1965-11-02"})]


def test_acceptance_is_grouped_by_channel_for_the_monthly_batch(make_ctx):
    ports = fake_ports()
    result = hrss.register_acceptance(make_ctx(ports=ports, variables={"id_number": WANG, "channel": "township"}))
    assert result == {"acceptance": {"accepted_on": "2026-11-20", "batch_group": "community", "batch_month": "2026-11"}}
    assert ports.hrss.acceptances["CASE-1"]["channel"] == "township"


def test_acceptance_uses_the_china_civil_date(make_ctx):
    late_utc = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)  # 01:00 on 1 December in Beijing
    result = hrss.register_acceptance(make_ctx(variables={"id_number": WANG, "channel": "agency"}, now=late_utc))
    assert result["acceptance"]["batch_month"] == "2026-12"


def test_monthly_batch_submits_each_acceptance_once_and_messages_each_case(make_ctx):
    ports = fake_ports()
    for key, channel in [("A", "community"), ("B", "township"), ("C", "agency")]:
        hrss.register_acceptance(make_ctx(ports=ports, business_key=key, key=f"{key}:accept",
                                          variables={"id_number": WANG, "channel": channel}))
    ctx = make_ctx(ports=ports, inputs={"batch_group": "community", "period": "2026-11"}, key="batch-1")
    assert hrss.submit_monthly_batch(ctx) == {"batch": {"group": "community", "period": "2026-11", "count": 2}}
    assert [m["business_key"] for m in ctx.outgoing_messages] == ["A", "B"]
    assert {m["name"] for m in ctx.outgoing_messages} == {"materials_submitted"}

    rerun = make_ctx(ports=ports, inputs={"batch_group": "community", "period": "2026-11"}, key="batch-1")
    assert hrss.submit_monthly_batch(rerun)["batch"]["count"] == 2
    later = make_ctx(ports=ports, inputs={"batch_group": "community", "period": "2026-11"}, key="batch-2")
    assert hrss.submit_monthly_batch(later)["batch"]["count"] == 0


def test_approval_is_recorded_once(make_ctx):
    ports = fake_ports()
    variables = {"id_number": WANG, "retirement_date": "2026-07-01", "retirement_type": "normal"}
    first = hrss.record_approval(make_ctx(ports=ports, variables=variables))
    second = hrss.record_approval(make_ctx(ports=ports, variables=variables, now=datetime(2027, 1, 5, tzinfo=timezone.utc)))
    assert first == second
    assert first["approval"]["retirement_date"] == "2026-07-01"
    assert len(ports.hrss.approvals) == 1


def test_deemed_years_are_summed_from_the_deemed_periods(make_ctx):
    contributions = FakeContributions()
    contributions.add(WANG, kind="deemed", locality="340722", start_month="1985-07", end_month="1995-12", wage_index=1)
    contributions.add(WANG, kind="actual", locality="340722", start_month="1996-01", end_month="2026-06", wage_index=1)
    result = hrss.certify_deemed_years(make_ctx(ports=fake_ports(contributions=contributions),
                                                variables={"id_number": WANG}))
    assert result == {"deemed": {"months": 126, "until": "1995-12"}}
