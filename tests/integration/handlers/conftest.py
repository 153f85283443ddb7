"""The ledger on a real database: a temporary SQLite file, and PostgreSQL when TEST_DATABASE_URL is set.

On PostgreSQL the tables live in a fresh schema that is dropped at the end of the session.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from handlers.ledger import create_tables, metadata


def _postgres_db():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    schema = f"ledger_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    db = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=10)

    def drop():
        db.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return db, drop


def _no_fsync(dbapi_connection, _record):
    dbapi_connection.execute("PRAGMA synchronous=OFF")  # test data need not survive a power cut


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def db_engine(request, tmp_path_factory):
    if request.param == "postgres":
        db, cleanup = _postgres_db()
    else:
        path = tmp_path_factory.mktemp("ledger") / "ledger.db"
        db = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
        sa.event.listen(db, "connect", _no_fsync)
        cleanup = db.dispose
    create_tables(db)
    yield db
    cleanup()


@pytest.fixture
def ledger(db_engine):
    """The ledger database with every table emptied."""
    with db_engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    return db_engine
