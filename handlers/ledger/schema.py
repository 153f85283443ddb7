"""The embedded ledger's tables (SQLAlchemy Core, portable types; included in the Alembic migrations).

Each idempotent write has a unique key: the job's idempotency key and, where the rule is "once per
case / account", the business key or account number as well.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

MONEY = sa.Numeric(14, 2)
INDEX = sa.Numeric(14, 4)
MONTH = sa.String(7)  # 'YYYY-MM'
TIMESTAMP = sa.DateTime(timezone=True)

persons = sa.Table(
    "ledger_persons", metadata,
    sa.Column("id_number", sa.String(18), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("sex", sa.String(6), nullable=False),
    sa.Column("category", sa.String(16), nullable=False),
    sa.Column("birth_date_id_card", sa.Date, nullable=False),
    sa.Column("birth_date_file", sa.Date),
    sa.Column("phone", sa.String(20)),
    sa.Column("phone_valid", sa.Boolean, nullable=False, default=True),
    sa.Column("locality", sa.String(6), nullable=False, index=True),
    sa.Column("employer", sa.String(128)),
    sa.Column("flexible", sa.Boolean, nullable=False, default=False),
    sa.Column("special_work_type", sa.String(20)),
    sa.Column("special_work_years", sa.Integer),
    sa.Column("hukou_address", sa.String(200)),
    sa.Column("only_child_certificate", sa.String(40)),
    sa.Column("bank_card", sa.String(32)),
)

contributions = sa.Table(
    "ledger_contributions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id_number", sa.String(18), nullable=False, index=True),
    sa.Column("kind", sa.String(8), nullable=False),  # actual | deemed
    sa.Column("locality", sa.String(6), nullable=False),
    sa.Column("start_month", MONTH, nullable=False),
    sa.Column("end_month", MONTH, nullable=False),
    sa.Column("wage_index", INDEX, nullable=False, default=1),
    sa.Column("arrears_months", sa.Integer, nullable=False, default=0),
    sa.Column("arrears_amount", MONEY, nullable=False, default=0),
)

pension_accounts = sa.Table(
    "ledger_pension_accounts", metadata,
    sa.Column("id_number", sa.String(18), primary_key=True),
    sa.Column("locality", sa.String(6), nullable=False),
    sa.Column("status", sa.String(10), nullable=False, default="active"),  # active | suspended | stopped
    sa.Column("balance", MONEY, nullable=False, default=0),
)

pension_awards = sa.Table(
    "ledger_pension_awards", metadata,
    sa.Column("award_no", sa.String(40), primary_key=True),
    sa.Column("business_key", sa.String(80), nullable=False, unique=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("id_number", sa.String(18), nullable=False, index=True),
    sa.Column("first_payment_month", MONTH, nullable=False),
    sa.Column("monthly_total", MONEY, nullable=False),
    sa.Column("details", sa.JSON),
    sa.Column("awarded_on", sa.Date, nullable=False),
    sa.UniqueConstraint("id_number", name="uq_ledger_pension_awards_person"),  # a person retires once
)

acceptances = sa.Table(
    "ledger_acceptances", metadata,
    sa.Column("business_key", sa.String(80), primary_key=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("id_number", sa.String(18), nullable=False),
    sa.Column("locality", sa.String(6), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("batch_group", sa.String(16), nullable=False),
    sa.Column("accepted_on", sa.Date, nullable=False),
    sa.Column("batch_month", MONTH, nullable=False),
    sa.Column("batch_key", sa.String(200)),
    sa.Column("submitted_at", TIMESTAMP),
    sa.Index("ix_ledger_acceptances_batch", "batch_group", "batch_month"),
)

batches = sa.Table(
    "ledger_batches", metadata,
    sa.Column("idempotency_key", sa.String(200), primary_key=True),
    sa.Column("batch_group", sa.String(16), nullable=False),
    sa.Column("period", MONTH, nullable=False),
    sa.Column("submitted_at", TIMESTAMP, nullable=False),
    sa.Column("business_keys", sa.JSON, nullable=False),
)

approvals = sa.Table(
    "ledger_retirement_approvals", metadata,
    sa.Column("approval_no", sa.String(40), primary_key=True),
    sa.Column("business_key", sa.String(80), nullable=False, unique=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("id_number", sa.String(18), nullable=False, index=True),
    sa.Column("locality", sa.String(6), nullable=False),
    sa.Column("retirement_date", sa.Date, nullable=False),
    sa.Column("retirement_type", sa.String(16), nullable=False),
    sa.Column("approved_on", sa.Date, nullable=False),
)

medical_accounts = sa.Table(
    "ledger_medical_accounts", metadata,
    sa.Column("id_number", sa.String(18), primary_key=True),
    sa.Column("actual_months", sa.Integer, nullable=False, default=0),
    sa.Column("deemed_months", sa.Integer, nullable=False, default=0),
    sa.Column("local_months", sa.Integer, nullable=False, default=0),
    sa.Column("status", sa.String(10), nullable=False, default="insured"),  # insured | retiree
    sa.Column("retiree_since", sa.Date),
)

medical_top_ups = sa.Table(
    "ledger_medical_top_ups", metadata,
    sa.Column("reference", sa.String(40), primary_key=True),
    sa.Column("business_key", sa.String(80), nullable=False, unique=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("id_number", sa.String(18), nullable=False, index=True),
    sa.Column("months", sa.Integer, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("paid_on", sa.Date, nullable=False),
)

housing_fund_accounts = sa.Table(
    "ledger_housing_fund_accounts", metadata,
    sa.Column("account_no", sa.String(32), primary_key=True),
    sa.Column("id_number", sa.String(18), nullable=False, unique=True),
    sa.Column("balance", MONEY, nullable=False, default=0),
    sa.Column("status", sa.String(8), nullable=False, default="open"),  # open | sealed | closed
    sa.Column("sealed_on", sa.Date),
    sa.Column("closed_on", sa.Date),
    sa.Column("bank_card", sa.String(32)),  # the card the centre holds for the person: the only payee
)

housing_fund_withdrawals = sa.Table(
    "ledger_housing_fund_withdrawals", metadata,
    sa.Column("reference", sa.String(40), primary_key=True),
    sa.Column("account_no", sa.String(32), nullable=False, unique=True),  # a closed account pays once
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("bank_card", sa.String(32), nullable=False),
    sa.Column("paid_on", sa.Date, nullable=False),
    sa.Column("id_number", sa.String(18), unique=True),  # one retirement withdrawal per person
)

only_child_rewards = sa.Table(
    "ledger_only_child_rewards", metadata,
    sa.Column("business_key", sa.String(80), primary_key=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("id_number", sa.String(18), nullable=False, index=True),
    sa.Column("certificate_no", sa.String(40), nullable=False),
    sa.Column("reward_type", sa.String(32), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("granted_on", sa.Date, nullable=False),
)

sms_outbox = sa.Table(
    "ledger_sms_outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("business_key", sa.String(80), index=True),
    sa.Column("template", sa.String(64)),
    sa.Column("phone", sa.String(20), nullable=False),
    sa.Column("text", sa.String(1000), nullable=False),
    sa.Column("text_masked", sa.String(1000)),            # the text with personal data masked, for lists
    sa.Column("status", sa.String(16), nullable=False),  # sent | undeliverable
    sa.Column("created_at", TIMESTAMP, nullable=False),
)

# A phone verified and corrected by a community, township office or 社银合作 bank window (附件2 一): who, when.
phone_changes = sa.Table(
    "ledger_phone_changes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("id_number", sa.String(18), nullable=False, index=True),
    sa.Column("phone", sa.String(20), nullable=False),
    sa.Column("changed_by", sa.String(64), nullable=False),
    sa.Column("how", sa.String(32)),
    sa.Column("changed_at", TIMESTAMP, nullable=False),
)

pushes = sa.Table(
    "ledger_pushes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("business_key", sa.String(80), nullable=False),
    sa.Column("department", sa.String(32), nullable=False),
    sa.Column("idempotency_key", sa.String(200), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("pushed_at", TIMESTAMP, nullable=False),
    sa.UniqueConstraint("business_key", "department", name="uq_ledger_pushes_case_department"),
)
