"""In-memory fakes of every port, for unit tests: plain dicts and lists that record each call."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Iterable

from . import ports
from .months import as_date, month_index
from .personal import is_valid_phone


class FakeRoster(ports.Roster):
    def __init__(self, persons: Iterable[dict] = ()):
        self.persons = {p["id_number"]: dict(p) for p in persons}

    def add(self, **person) -> dict:
        self.persons[person["id_number"]] = person
        return person

    def get(self, id_number):
        return self.persons.get(id_number)

    def in_locality(self, prefix):
        return iter([p for p in self.persons.values() if str(p.get("locality", "")).startswith(prefix)])

    def correct_phone(self, id_number, phone, changed_by, changed_at, how, idempotency_key):
        person = self.persons.setdefault(id_number, {"id_number": id_number})
        change = {"id_number": id_number, "phone": phone, "changed_by": changed_by, "changed_at": changed_at,
                  "how": how}
        person.update(phone=phone, phone_valid=True)
        person.setdefault("phone_changes", {}).setdefault(idempotency_key, change)
        return dict(person["phone_changes"][idempotency_key])


class FakeHrss(ports.Hrss):
    def __init__(self):
        self.acceptances: dict[str, dict] = {}
        self.batches: dict[str, dict] = {}
        self.approvals: dict[str, dict] = {}

    def accept(self, acceptance, idempotency_key):
        row = self.acceptances.setdefault(acceptance["business_key"], dict(acceptance, submitted_at=None))
        return dict(row)

    def submit_batch(self, batch_group, period, submitted_at, idempotency_key):
        if idempotency_key in self.batches:
            return self.batches[idempotency_key]
        due = [a for a in self.acceptances.values()
               if a["batch_group"] == batch_group and a["batch_month"] == period and not a["submitted_at"]]
        for row in due:
            row["submitted_at"] = submitted_at
        batch = {"batch_group": batch_group, "period": period, "submitted_at": submitted_at,
                 "business_keys": sorted(a["business_key"] for a in due)}
        self.batches[idempotency_key] = batch
        return batch

    def approve(self, approval, idempotency_key):
        return dict(self.approvals.setdefault(approval["business_key"], dict(approval)))


class FakeContributions(ports.Contributions):
    def __init__(self, periods: dict[str, list[dict]] | None = None):
        self.by_person = periods or {}

    def add(self, id_number, **period):
        period.setdefault("arrears_months", 0)
        period.setdefault("arrears_amount", Decimal("0"))
        self.by_person.setdefault(id_number, []).append(period)

    def periods(self, id_number):
        return sorted(self.by_person.get(id_number, []), key=lambda p: month_index(p["start_month"]))


class FakePension(ports.Pension):
    def __init__(self, accounts: dict[str, dict] | None = None):
        self.accounts = accounts or {}
        self.awards: dict[str, dict] = {}

    def account(self, id_number):
        return self.accounts.get(id_number)

    def award(self, award, idempotency_key):
        return dict(self.awards.setdefault(award["business_key"], dict(award)))


class FakeMedical(ports.Medical):
    def __init__(self, accounts: dict[str, dict] | None = None):
        self.accounts = accounts or {}
        self.top_ups: dict[str, dict] = {}

    def account(self, id_number):
        return self.accounts.get(id_number)

    def record_top_up(self, top_up, idempotency_key):
        if top_up["business_key"] not in self.top_ups:
            self.top_ups[top_up["business_key"]] = dict(top_up)
            account = self.accounts[top_up["id_number"]]
            account["actual_months"] += top_up["months"]
            account["local_months"] += top_up["months"]
        return dict(self.top_ups[top_up["business_key"]])

    def switch_to_retiree(self, id_number, since, idempotency_key):
        account = self.accounts[id_number]
        if account.get("status") != "retiree":
            account.update(status="retiree", retiree_since=as_date(since))
        return {"id_number": id_number, "since": account["retiree_since"]}


class FakeHousingFund(ports.HousingFund):
    def __init__(self, accounts: Iterable[dict] = ()):
        self.accounts = {a["account_no"]: dict(a) for a in accounts}
        self.withdrawals: dict[str, dict] = {}
        self.payments: list[dict] = []

    def account(self, id_number):
        return next((dict(a) for a in self.accounts.values() if a["id_number"] == id_number), None)

    def seal(self, account_no, on, idempotency_key):
        account = self.accounts[account_no]
        if account["status"] == "open":
            account.update(status="sealed", sealed_on=as_date(on))
        return dict(account)

    def withdraw(self, account_no, bank_card, on, idempotency_key):
        if account_no not in self.withdrawals:
            account = self.accounts[account_no]
            paid = {"account_no": account_no, "amount": account["balance"], "paid_on": as_date(on),
                    "reference": f"HF-{len(self.withdrawals) + 1:06d}", "bank_card": bank_card}
            self.payments.append(paid)
            self.withdrawals[account_no] = paid
            account.update(balance=Decimal("0.00"), status="closed")
        return dict(self.withdrawals[account_no])


class FakeHouseholdRegister(ports.HouseholdRegister):
    def __init__(self, records: dict[str, dict] | None = None):
        self.records = records or {}

    def lookup(self, id_number):
        return self.records.get(id_number)


class FakeHealth(ports.Health):
    def __init__(self, certificates: dict[str, str] | None = None):
        self.certificates = certificates or {}
        self.rewards: dict[str, dict] = {}

    def certificate(self, id_number):
        number = self.certificates.get(id_number)
        return {"certificate_no": number} if number else None

    def grant_reward(self, reward, idempotency_key):
        return dict(self.rewards.setdefault(reward["business_key"], dict(reward)))


class FakeSms(ports.SmsGateway):
    """Phones listed in ``unreachable`` (or malformed) come back undeliverable."""

    def __init__(self, unreachable: Iterable[str] = ()):
        self.unreachable = set(unreachable)
        self.outbox: dict[str, dict] = {}

    @property
    def sent(self) -> list[dict]:
        return [m for m in self.outbox.values() if m["status"] == "sent"]

    def send_many(self, messages):
        results = []
        for message in messages:
            key = message["idempotency_key"]
            if key not in self.outbox:
                ok = is_valid_phone(message["phone"]) and message["phone"] not in self.unreachable
                self.outbox[key] = dict(message, status="sent" if ok else "undeliverable",
                                        created_at=message.get("sent_at") or datetime.now(timezone.utc))
            row = self.outbox[key]
            results.append({"idempotency_key": key, "status": row["status"], "created_at": row["created_at"]})
        return results


class FakeExchange(ports.DataExchange):
    def __init__(self):
        self.pushes: dict[tuple[str, str], dict] = {}

    def push(self, business_key, department, payload, idempotency_key, at=None):
        row = self.pushes.setdefault((business_key, department), {
            "department": department, "payload": payload, "pushed_at": at or datetime.now(timezone.utc)})
        return {"department": row["department"], "pushed_at": row["pushed_at"]}

    def received(self, business_key, department):
        row = self.pushes.get((business_key, department))
        return dict(row) if row else None


def fake_ports(**overrides) -> ports.Ports:
    """A Ports of empty fakes; pass e.g. roster=FakeRoster([...]) to replace one."""
    defaults = dict(roster=FakeRoster(), hrss=FakeHrss(), contributions=FakeContributions(),
                    pension=FakePension(), medical=FakeMedical(), housing_fund=FakeHousingFund(),
                    household=FakeHouseholdRegister(), health=FakeHealth(), sms=FakeSms(),
                    exchange=FakeExchange())
    defaults.update(overrides)
    return ports.Ports(**defaults)
