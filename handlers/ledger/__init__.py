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


def ledger_ports(engine: sa.Engine) -> Ports:
    return Ports(roster=LedgerRoster(engine), hrss=LedgerHrss(engine), contributions=LedgerContributions(engine),
                 pension=LedgerPension(engine), medical=LedgerMedical(engine), housing_fund=LedgerHousingFund(engine),
                 household=LedgerHouseholdRegister(engine), health=LedgerHealth(engine), sms=LedgerSms(engine),
                 exchange=LedgerExchange(engine))


def create_tables(engine: sa.Engine) -> None:
    """For tests and the demo without Alembic; production uses the migrations."""
    metadata.create_all(engine)


__all__ = ["ledger_ports", "create_tables", "metadata"]
