"""Alembic takes an empty database to head, and what it builds is exactly what the models declare."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from alembic.script import ScriptDirectory

from engine.store.migrate import alembic_config, upgrade
from engine.store.models import Base
from handlers.ledger.schema import metadata as ledger_metadata


HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_migrations_from_empty_to_head_match_the_models(database_url):
    upgrade(database_url)
    eng = sa.create_engine(database_url)
    try:
        with eng.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, [Base.metadata, ledger_metadata])
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        eng.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
    assert {"instances", "human_tasks", "jobs", "history", "ledger_persons", "alembic_version"} <= tables


def test_upgrading_twice_changes_nothing(database_url):
    upgrade(database_url)
    upgrade(database_url)
    eng = sa.create_engine(database_url)
    with eng.connect() as conn:
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == HEAD
    eng.dispose()
