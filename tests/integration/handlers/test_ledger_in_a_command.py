"""The ledger adapters inside an engine command (``handlers.context.inside_command``): they write through the
command's connection and transaction, never one of their own, and still store each write once per key."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from handlers.context import BusinessRuleViolation, inside_command
from handlers.ledger import schema
from test_ledger_ports import WANG, _load_wang

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


def _count(db, table, **where) -> int:
    with db.connect() as conn:
        query = sa.select(sa.func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return conn.execute(query).scalar()


class Checkouts:
    """Connections taken from the ledger's pool while counting."""

    def __init__(self, db):
        self.db, self.n = db, 0
        sa.event.listen(db, "checkout", self._checkout)

    def _checkout(self, *_a):
        self.n += 1

    def close(self):
        sa.event.remove(self.db, "checkout", self._checkout)


def test_inside_a_command_the_adapters_use_its_connection_and_commit_or_roll_back_with_it(ledger):
    ports = _load_wang(ledger)
    for outcome in ("rolled back", "committed"):
        with ledger.connect() as conn, conn.begin() as command:
            checkouts = Checkouts(ledger)
            try:
                with inside_command(conn):
                    ports.exchange.push("A", "medical", {"n": 1}, "A:t1", at=NOW)
                    assert ports.exchange.received("A", "medical")["payload"] == {"n": 1}, "it reads its own write"
                    ports.sms.send("13812341234", "受理", "A", "A:t1", sent_at=NOW)
                    ports.housing_fund.seal("GJJ001", date(2026, 11, 20), "A:t1")
            finally:
                checkouts.close()
            assert checkouts.n == 0, "no connection of their own"
            if outcome == "rolled back":
                command.rollback()
        expected = 1 if outcome == "committed" else 0
        assert (_count(ledger, schema.pushes), _count(ledger, schema.sms_outbox)) == (expected, expected), outcome
        assert ports.housing_fund.account(WANG)["status"] == ("sealed" if expected else "open")


def test_a_ledger_of_another_database_keeps_its_own_transactions(ledger, tmp_path):
    ports = _load_wang(ledger)
    other = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with other.connect() as conn, conn.begin() as command:
        with inside_command(conn):
            ports.exchange.push("A", "medical", {"n": 1}, "A:t1", at=NOW)
        command.rollback()
    other.dispose()
    assert _count(ledger, schema.pushes) == 1


def test_a_top_up_refused_inside_a_command_leaves_no_row_behind(ledger):
    ports = _load_wang(ledger, medical_account=None)
    top_up = {"reference": "YB1", "business_key": "A", "id_number": WANG, "months": 40, "amount": Decimal("24000"),
              "paid_on": date(2026, 11, 20)}
    with ledger.connect() as conn, conn.begin():
        with pytest.raises(BusinessRuleViolation), inside_command(conn):
            ports.medical.record_top_up(top_up, "A:t1")
        # the command goes on and commits: the refused top-up is not part of it
    assert _count(ledger, schema.medical_top_ups) == 0


def test_a_pension_award_under_another_case_is_refused_without_breaking_the_command(ledger):
    ports = _load_wang(ledger)
    award = {"award_no": "YL1", "business_key": "A", "id_number": WANG, "first_payment_month": "2026-08",
             "monthly_total": Decimal("6442.36"), "details": {"basic": "1"}, "awarded_on": date(2026, 7, 1)}
    ports.pension.award(award, "A:t1")
    with ledger.connect() as conn, conn.begin():
        with inside_command(conn):
            with pytest.raises(BusinessRuleViolation):
                ports.pension.award(dict(award, award_no="YL2", business_key="B"), "B:t1")
            ports.exchange.push("B", "medical", {"n": 1}, "B:t1", at=NOW)   # the transaction is still usable
    assert _count(ledger, schema.pension_awards) == 1 and _count(ledger, schema.pushes) == 1


@pytest.mark.parametrize("write", ["sms", "push", "award", "phone"])
def test_concurrent_writes_under_one_key_store_one_row_and_return_it_to_every_writer(ledger, write):
    if ledger.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers; the race is a PostgreSQL concern")
    ports = _load_wang(ledger)
    award = {"award_no": "YL1", "business_key": "A", "id_number": WANG, "first_payment_month": "2026-08",
             "monthly_total": Decimal("6442.36"), "details": {"basic": "1"}, "awarded_on": date(2026, 7, 1)}
    calls = {
        "sms": (lambda n: ports.sms.send("13812341234", f"text {n}", "A", "A:t1", sent_at=NOW)["status"],
                schema.sms_outbox),
        "push": (lambda n: ports.exchange.push("A", "medical", {"n": n}, f"A:t{n}", at=NOW)["pushed_at"],
                 schema.pushes),
        "award": (lambda n: ports.pension.award(dict(award, award_no=f"YL{n}"), f"A:t{n}")["award_no"],
                  schema.pension_awards),
        "phone": (lambda n: ports.roster.correct_phone(WANG, f"1391234567{n}", "clerk", NOW, "window", "A:t1")["phone"],
                  schema.phone_changes),
    }
    call, table = calls[write]
    results, errors, barrier = [], [], threading.Barrier(6)

    def run(n):
        barrier.wait()
        try:
            with ledger.connect() as conn, conn.begin(), inside_command(conn):
                results.append(call(n))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(results) == 6 and len(set(results)) == 1, (errors, results)
    assert _count(ledger, table) == 1
