"""``Runtime.reading()``: a read is its statements only on PostgreSQL (autocommit: no BEGIN before them, no ROLLBACK
after — and so no DEALLOCATE ALL dropping the connection's prepared statements), sees the rows committed when each
statement starts, and refuses to write on either database (a write would persist at once in autocommit: writes
belong in ``Runtime.transaction()``)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.store.db import WriteWhileReading
from engine.store.models import AuditEvent
from tests.conftest import PG_URL

postgresql_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite reads are not round trips")


def _audit_row(n: int) -> AuditEvent:
    return AuditEvent(at=sa.func.now(), username="reader", action="read", resource="test", resource_id=str(n),
                      details={}, locality_path="/", instance_id=None)


def _audit_rows(eng) -> int:
    with eng.runtime.transaction() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.username == "reader"))


def _transaction_status(session):
    return session.connection().connection.dbapi_connection.info.transaction_status


@postgresql_only
def test_a_reading_session_on_postgresql_begins_no_transaction_and_still_sees_committed_rows(eng):
    from psycopg.pq import TransactionStatus

    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.username == "reader")) == 0
        assert _transaction_status(s) == TransactionStatus.IDLE, "no BEGIN was sent, so no ROLLBACK follows"
        with eng.runtime.transaction() as w:          # committed by someone else while the read goes on
            w.add(_audit_row(1))
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.username == "reader")) == 1
        assert _transaction_status(s) == TransactionStatus.IDLE

    with eng.runtime.transaction() as s:              # the pooled connection is transactional again for a command
        s.execute(sa.text("SELECT 1"))
        assert _transaction_status(s) == TransactionStatus.INTRANS


def test_a_write_in_a_reading_session_is_refused_and_writes_nothing(eng):
    with eng.runtime.reading() as s:
        s.add(_audit_row(1))
        with pytest.raises(WriteWhileReading):
            s.flush()
    with eng.runtime.reading() as s:
        with pytest.raises(WriteWhileReading):
            s.execute(sa.insert(AuditEvent).values(at=sa.func.now(), username="reader", action="read", resource="t",
                                                   resource_id="2", details={}, locality_path="/"))
        with pytest.raises(WriteWhileReading):
            s.execute(sa.delete(AuditEvent))
    assert _audit_rows(eng) == 0


def test_a_reading_session_reads_what_a_transaction_committed(eng):
    with eng.runtime.transaction() as s:
        s.add(_audit_row(1))
    with eng.runtime.reading() as s:
        assert s.scalars(sa.select(AuditEvent.resource_id).where(AuditEvent.username == "reader")).all() == ["1"]
