"""contact.person: after the data push a department tells the person how to proceed (online, or a booked visit
with date and place) and records it; an SMS placeholder left empty is never sent."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from handlers import contact, notification
from handlers.context import HandlerError
from handlers.fakes import FakeSms, fake_ports

SETTINGS = {
    "items": [{"code": "housing_fund_withdrawal", "name": "退休职工住房公积金提取", "department": "housing_fund"}],
    "contact": {"online_channels": ["online", "individual"], "online_url": "皖事通",
                "places": {"housing_fund": "县公积金中心窗口"}},
    "sms": {"templates": {
        "contact_online": "{name}：请登录{online_url}办理{item_name}。",
        "contact_offline": "{name}：请于{date}起到{place}办理{item_name}。",
        "notify_upcoming": "{name}您好，您将于{retirement_month}到龄。"}},
}
NOW = datetime(2027, 6, 2, 2, 0, tzinfo=timezone.utc)


def _pushed(ports, channel):
    ports.exchange.push("CASE-1", "housing_fund", {"name": "王建国", "phone": "13912345678", "channel": channel},
                        "k", at=NOW)


def test_an_offline_applicant_is_given_a_dated_appointment_at_the_departments_window(make_ctx):
    ports = fake_ports(sms=FakeSms())
    _pushed(ports, "community")
    ctx = make_ctx("contact.person", ports=ports, settings=SETTINGS, now=NOW,
                   inputs={"department": "housing_fund", "item": "housing_fund_withdrawal",
                           "appointment_date": "2027-06-21"})
    out = contact.contact_person(ctx)["contact_housing_fund_withdrawal"]
    assert (out["mode"], out["appointment_date"], out["place"], out["status"]) == (
        "offline", "2027-06-21", "县公积金中心窗口", "sent")
    [sms] = ports.sms.sent
    assert "2027-06-21" in sms["text"] and "县公积金中心窗口" in sms["text"]
    assert sms["created_at"] == NOW, "the outbox is stamped with the engine's clock"


def test_an_online_applicant_is_told_to_proceed_online(make_ctx):
    ports = fake_ports(sms=FakeSms())
    _pushed(ports, "online")
    ctx = make_ctx("contact.person", ports=ports, settings=SETTINGS, now=NOW,
                   inputs={"department": "housing_fund", "item": "housing_fund_withdrawal"})
    out = contact.contact_person(ctx)["contact_housing_fund_withdrawal"]
    assert out["mode"] == "online" and out["appointment_date"] is None
    assert "皖事通" in ports.sms.sent[0]["text"]


def test_a_department_that_received_no_push_does_not_contact_anyone_yet(make_ctx):
    ctx = make_ctx("contact.person", settings=SETTINGS, now=NOW,
                   inputs={"department": "housing_fund", "item": "housing_fund_withdrawal"})
    with pytest.raises(HandlerError, match="nothing was pushed"):
        contact.contact_person(ctx)


def test_a_text_with_an_empty_placeholder_is_refused_not_sent(make_ctx):
    ports = fake_ports(sms=FakeSms())
    ctx = make_ctx("notification.send_sms", ports=ports, settings=SETTINGS, now=NOW,
                   inputs={"template": "notify_upcoming", "phone": "13912345678", "name": "王建国",
                           "retirement_month": ""})
    with pytest.raises(HandlerError, match="retirement_month"):
        notification.send_sms(ctx)
    assert ports.sms.outbox == {}
