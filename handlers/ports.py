"""The ports: one abstract class per department system a handler talks to.

Values crossing a port are plain JSON-like dicts. Dates may be ``date`` or ISO text and money may be
``Decimal`` or decimal text (the HTTP adapters pass JSON through); handlers normalise with
``months.as_date`` and ``pension_math.dec``. Every write takes an ``idempotency_key``: a second call
with the same key returns the first result and changes nothing.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

Record = dict[str, Any]


class Roster(ABC):
    """人社: the insured-person roster and personnel file (birth dates, category, phone, employer…)."""

    @abstractmethod
    def get(self, id_number: str) -> Record | None:
        """One person: the columns of ledger_persons."""

    @abstractmethod
    def in_locality(self, prefix: str) -> Iterator[Record]:
        """Persons whose county code starts with prefix (see localities.subtree_prefix)."""

    @abstractmethod
    def correct_phone(self, id_number: str, phone: str, changed_by: str, changed_at, how: str | None,
                      idempotency_key: str) -> Record:
        """Save a verified phone on the roster (valid again) and log who changed it and when, once per key;
        return {id_number, phone, changed_by, changed_at}."""


class Hrss(ABC):
    """人社局: acceptances, monthly batch submissions and retirement approvals."""

    @abstractmethod
    def accept(self, acceptance: Record, idempotency_key: str) -> Record:
        """Record one acceptance (business_key, id_number, channel, batch_group, accepted_on,
        batch_month) once per business key; return the stored row."""

    @abstractmethod
    def submit_batch(self, batch_group: str, period: str, submitted_at, idempotency_key: str) -> Record:
        """Mark the unsubmitted acceptances of (group, period) submitted; return
        {batch_group, period, business_keys, submitted_at} (the same for a repeated key)."""

    @abstractmethod
    def approve(self, approval: Record, idempotency_key: str) -> Record:
        """Record a retirement approval once per business key; return the stored row."""


class Contributions(ABC):
    """社保: contribution history, actual (实际缴费) and deemed (视同缴费) periods."""

    @abstractmethod
    def periods(self, id_number: str) -> list[Record]:
        """Rows: kind ('actual'|'deemed'), locality, start_month, end_month ('YYYY-MM', inclusive),
        wage_index, arrears_months, arrears_amount."""


class Pension(ABC):
    """社保经办: the individual pension account and pension awards."""

    @abstractmethod
    def account(self, id_number: str) -> Record | None:
        """{status 'active'|'suspended'|'stopped', balance, locality} or None."""

    @abstractmethod
    def award(self, award: Record, idempotency_key: str) -> Record:
        """Record a pension award once per business key; return the stored row."""


class Medical(ABC):
    """医保: contribution months and retiree status."""

    @abstractmethod
    def account(self, id_number: str) -> Record | None:
        """{actual_months, deemed_months, local_months, status 'insured'|'retiree', retiree_since}."""

    @abstractmethod
    def record_top_up(self, top_up: Record, idempotency_key: str) -> Record:
        """Record a lump-sum top-up (business_key, id_number, months, amount, paid_on) once per
        business key; the months are added to the account; return the stored row."""

    @abstractmethod
    def switch_to_retiree(self, id_number: str, since, idempotency_key: str) -> Record:
        """Make the person a retiree once; return {id_number, since} (the first since on repeats)."""


class HousingFund(ABC):
    """公积金中心: accounts, sealing (封存) and the retirement withdrawal (退休提取)."""

    @abstractmethod
    def account(self, id_number: str) -> Record | None:
        """{account_no, id_number, balance, status 'open'|'sealed'|'closed', sealed_on}."""

    @abstractmethod
    def seal(self, account_no: str, on, idempotency_key: str) -> Record:
        """Seal an open account; return the account (unchanged when already sealed or closed)."""

    @abstractmethod
    def withdraw(self, account_no: str, bank_card: str, on, idempotency_key: str) -> Record:
        """Pay the whole balance to the bank card and close the account; return
        {account_no, amount, paid_on, reference}. Never pays an account twice."""


class HouseholdRegister(ABC):
    """公安: household registration (户籍)."""

    @abstractmethod
    def lookup(self, id_number: str) -> Record | None:
        """{name, address, birth_date} of the registered person, or None."""


class Health(ABC):
    """卫健: only-child parents' certificates (独生子女父母光荣证) and rewards."""

    @abstractmethod
    def certificate(self, id_number: str) -> Record | None:
        """{certificate_no} or None."""

    @abstractmethod
    def grant_reward(self, reward: Record, idempotency_key: str) -> Record:
        """Record the reward (business_key, id_number, certificate_no, reward_type, channel) once per
        business key; return the stored row."""


class SmsGateway(ABC):
    """The SMS gateway and its outbox."""

    @abstractmethod
    def send_many(self, messages: Iterable[Record]) -> list[Record]:
        """Send each {phone, text, masked_text, business_key, template, idempotency_key, sent_at} once per key
        (masked_text: the same text with personal data masked, kept for lists; sent_at: the engine's clock,
        which stamps the outbox row); return per message
        {idempotency_key, status 'sent'|'undeliverable', created_at}."""

    def send(self, phone: str, text: str, business_key: str, idempotency_key: str,
             template: str | None = None, masked_text: str | None = None, sent_at=None) -> Record:
        return self.send_many([{"phone": phone, "text": text, "masked_text": masked_text,
                                "business_key": business_key, "template": template,
                                "idempotency_key": idempotency_key, "sent_at": sent_at}])[0]


class DataExchange(ABC):
    """数据局: the push of case data to a department."""

    @abstractmethod
    def push(self, business_key: str, department: str, payload: Record, idempotency_key: str,
             at=None) -> Record:
        """Record the push once per (business_key, department), stamped ``at`` (the engine's clock);
        return {department, pushed_at}."""

    @abstractmethod
    def received(self, business_key: str, department: str) -> Record | None:
        """What was pushed to the department for the case: {department, payload, pushed_at}, or None."""


@dataclass
class Ports:
    """What ``ctx.ports`` holds: one adapter per department system."""

    roster: Roster
    hrss: Hrss
    contributions: Contributions
    pension: Pension
    medical: Medical
    housing_fund: HousingFund
    household: HouseholdRegister
    health: Health
    sms: SmsGateway
    exchange: DataExchange


PORT_NAMES = tuple(Ports.__dataclass_fields__)
