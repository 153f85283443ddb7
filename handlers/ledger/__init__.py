"""The embedded ledger: each department's records in the project's own database (SQLAlchemy Core)."""
from __future__ import annotations

import sqlalchemy as sa

from ..ports import Ports
from .exchange import LedgerExchange
from .health import LedgerHealth
from .housing_fund import LedgerHousingFund
from .hrss import LedgerHrss
from .medical import LedgerMedical
from .roster import LedgerHouseholdRegister, LedgerRoster
from .schema import metadata
from .sms import LedgerSms
from .social_insurance import LedgerContributions, LedgerPension


def ledger_ports(db: sa.Engine) -> Ports:
    return Ports(roster=LedgerRoster(db), hrss=LedgerHrss(db), contributions=LedgerContributions(db),
                 pension=LedgerPension(db), medical=LedgerMedical(db), housing_fund=LedgerHousingFund(db),
                 household=LedgerHouseholdRegister(db), health=LedgerHealth(db), sms=LedgerSms(db),
                 exchange=LedgerExchange(db))


def create_tables(db: sa.Engine) -> None:
    """For tests and the demo without Alembic; production uses the migrations."""
    metadata.create_all(db)


__all__ = ["ledger_ports", "create_tables", "metadata"]
