import pytest
from handler_builders import LI, WANG, ZHAO

from handlers import notification
from handlers.context import HandlerError
from handlers.fakes import FakeSms, fake_ports

UPCOMING = [
    {"id_number": WANG, "name": "王建国", "phone": "13812341234", "retirement_month": "2027-02"},
    {"id_number": LI, "name": "李秀英", "phone": "1381234123", "retirement_month": "2027-03"},
    {"id_number": ZHAO, "name": "赵强", "phone": "13900000000", "retirement_month": "2027-01"},
]


def test_each_person_is_told_once_and_bad_phones_are_reported(make_ctx):
    ports = fake_ports(sms=FakeSms(unreachable={"13900000000"}))
    ctx = make_ctx(ports=ports, variables={"upcoming": UPCOMING, "quarter": "2027Q1"})
    result = notification.notify_upcoming(ctx)
    assert result["notified"] == 1
    assert [b["name"] for b in result["bad_phones"]] == ["李秀英", "赵强"]
    assert ports.sms.sent[0]["text"] == "王建国您好：您将于2027-02达到法定退休年龄，可申请办理退休一件事。"
    assert ports.sms.sent[0]["masked_text"] == "王**您好：您将于2027-02达到法定退休年龄，可申请办理退休一件事。"
    assert notification.notify_upcoming(make_ctx(ports=ports, key="another-run",
                                                 variables={"upcoming": UPCOMING, "quarter": "2027Q1"})) == result
    assert len(ports.sms.sent) == 1


def test_the_applicant_gets_one_sms_per_job(make_ctx):
    ports = fake_ports()
    ctx = make_ctx(ports=ports, variables={"name": "王建国", "phone": "13812341234"}, inputs={"template": "accepted"})
    assert notification.send_sms(ctx) == {"sms": {"template": "accepted", "status": "sent"}}
    notification.send_sms(ctx)
    assert [m["text"] for m in ports.sms.outbox.values()] == ["王建国您好：您的退休一件事申请已受理（CASE-1）。"]


def test_inputs_fill_the_template_before_variables(make_ctx):
    ports = fake_ports()
    ctx = make_ctx(ports=ports, variables={"name": "王建国"},
                   inputs={"template": "notify_upcoming", "phone": "13812341234", "name": "李秀英",
                           "retirement_month": "2027-02"})
    notification.send_sms(ctx)
    assert next(iter(ports.sms.outbox.values()))["text"].startswith("李秀英您好：您将于2027-02")


def test_an_unknown_template_is_a_configuration_error(make_ctx):
    with pytest.raises(HandlerError):
        notification.send_sms(make_ctx(variables={"phone": "13812341234"}, inputs={"template": "nope"}))


def test_a_malformed_applicant_phone_is_not_sent_to(make_ctx):
    ports = fake_ports()
    result = notification.send_sms(make_ctx(ports=ports, inputs={"template": "accepted", "phone": "12345"}))
    assert result["sms"]["status"] == "invalid_phone" and not ports.sms.outbox
