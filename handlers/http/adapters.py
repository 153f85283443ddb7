"""HTTP adapters: each port's methods as operations of its department's gateway (see client.py)."""
from __future__ import annotations

import hashlib

from .. import ports
from .client import DepartmentClient


class _Remote:
    def __init__(self, client: DepartmentClient):
        self.client = client

    def _call(self, operation, idempotency_key=None, **arguments):
        return self.client.call(operation, arguments, idempotency_key=idempotency_key)


class HttpRoster(_Remote, ports.Roster):
    def get(self, id_number):
        return self._call("get", id_number=id_number)

    def in_locality(self, prefix):
        return iter(self._call("in_locality", prefix=prefix))

    def correct_phone(self, id_number, phone, changed_by, changed_at, how, idempotency_key):
        return self._call("correct_phone", idempotency_key, id_number=id_number, phone=phone,
                          changed_by=changed_by, changed_at=str(changed_at), how=how)


class HttpHrss(_Remote, ports.Hrss):
    def accept(self, acceptance, idempotency_key):
        return self._call("accept", idempotency_key, acceptance=acceptance)

    def submit_batch(self, batch_group, period, submitted_at, idempotency_key):
        return self._call("submit_batch", idempotency_key, batch_group=batch_group, period=period,
                          submitted_at=submitted_at)

    def approve(self, approval, idempotency_key):
        return self._call("approve", idempotency_key, approval=approval)


class HttpContributions(_Remote, ports.Contributions):
    def periods(self, id_number):
        return self._call("periods", id_number=id_number)


class HttpPension(_Remote, ports.Pension):
    def account(self, id_number):
        return self._call("account", id_number=id_number)

    def award(self, award, idempotency_key):
        return self._call("award", idempotency_key, award=award)


class HttpMedical(_Remote, ports.Medical):
    def account(self, id_number):
        return self._call("account", id_number=id_number)

    def record_top_up(self, top_up, idempotency_key):
        return self._call("record_top_up", idempotency_key, top_up=top_up)

    def switch_to_retiree(self, id_number, since, idempotency_key):
        return self._call("switch_to_retiree", idempotency_key, id_number=id_number, since=since)


class HttpHousingFund(_Remote, ports.HousingFund):
    def account(self, id_number):
        return self._call("account", id_number=id_number)

    def seal(self, account_no, on, idempotency_key):
        return self._call("seal", idempotency_key, account_no=account_no, on=on)

    def withdraw(self, account_no, bank_card, on, idempotency_key):
        return self._call("withdraw", idempotency_key, account_no=account_no, bank_card=bank_card, on=on)


class HttpHouseholdRegister(_Remote, ports.HouseholdRegister):
    def lookup(self, id_number):
        return self._call("lookup", id_number=id_number)


class HttpHealth(_Remote, ports.Health):
    def certificate(self, id_number):
        return self._call("certificate", id_number=id_number)

    def grant_reward(self, reward, idempotency_key):
        return self._call("grant_reward", idempotency_key, reward=reward)


class HttpSms(_Remote, ports.SmsGateway):
    def send_many(self, messages):
        messages = list(messages)
        if not messages:
            return []
        keys = ",".join(m["idempotency_key"] for m in messages)
        messages = [dict(m, sent_at=m["sent_at"].isoformat()) if m.get("sent_at") else m for m in messages]
        return self._call("send_many", "sms:" + hashlib.sha256(keys.encode()).hexdigest(), messages=messages)


class HttpExchange(_Remote, ports.DataExchange):
    def push(self, business_key, department, payload, idempotency_key, at=None):
        return self._call("push", f"{idempotency_key}:{department}", business_key=business_key,
                          department=department, payload=payload, at=str(at) if at else None)

    def received(self, business_key, department):
        return self._call("received", business_key=business_key, department=department)


ADAPTERS = {
    "roster": HttpRoster, "hrss": HttpHrss, "contributions": HttpContributions, "pension": HttpPension,
    "medical": HttpMedical, "housing_fund": HttpHousingFund, "household": HttpHouseholdRegister,
    "health": HttpHealth, "sms": HttpSms, "exchange": HttpExchange,
}
