"""PostgreSQL closing the pooled connections (a restart, an administrator's pg_terminate_backend) leaves no command
failing: a pooled connection the server closed is replaced at checkout, without a round trip per checkout."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.store.db import closed_by_the_server
from engine.store.models import Instance
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite has no server to restart")


def _terminate_the_engines_connections(db: sa.Engine, url: str) -> int:
    """Terminate the backends of ``db``'s pooled connections, and only those (other tests' connections to the
    same database live on)."""
    held = [db.connect() for _ in range(db.pool.checkedin())]
    try:
        pids = [conn.scalar(sa.text("SELECT pg_backend_pid()")) for conn in held]
    finally:
        for conn in held:
            conn.close()
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            return sum(bool(conn.scalar(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}))
                       for pid in pids)
    finally:
        admin.dispose()


def test_the_commands_after_the_database_closed_every_pooled_connection_work(eng, database_url):
    with eng.runtime.reading() as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(Instance))
    eng.run_due_jobs()
    assert eng.runtime.db.pool.checkedin() >= 1, "the pool keeps connections between commands"

    assert _terminate_the_engines_connections(eng.runtime.db, database_url) >= 1

    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Instance)) == before
    assert eng.run_due_jobs() == 0
    with eng.runtime.transaction() as s:
        s.execute(sa.text("SELECT 1"))


def test_an_open_pooled_connection_is_not_taken_for_closed_and_a_terminated_one_is(database_url):
    db = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with db.connect() as conn:
            raw = conn.connection.dbapi_connection
            pid = conn.scalar(sa.text("SELECT pg_backend_pid()"))
            conn.rollback()
            assert not closed_by_the_server(raw)
            with db.connect() as admin:
                assert admin.scalar(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            assert closed_by_the_server(raw)
    finally:
        db.dispose()
