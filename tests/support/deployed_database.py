"""The test database as the ``eng`` fixture hands it over: every table, the repository's processes and forms
deployed, the demo accounts. Deploying checks every BPMN and DMN file (about a second on PostgreSQL), so it is
done once per session and each test gets a copy of the result:

- SQLite: the deployed database file is copied to the test's own path;
- PostgreSQL (one database for the whole run): every table is emptied (TRUNCATE … RESTART IDENTITY), the
  deployed rows are copied back in with COPY (binary, so values come back exactly as they were written) and each
  sequence is set to where the deploy left it. When a test changed the tables' shape (a migration test, a test
  that dropped the schema), the schema is created anew first.

A copy is only handed over when it is what a deploy would write at that moment: the clock must read the time the
snapshot was deployed at; otherwise the caller deploys for real (``deploy_everything``).
"""
from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOYED_AT = datetime(2026, 11, 22, 9, 0)   # the default test clock's time, Asia/Shanghai

# the shape of the public schema, as one digest: a restore into tables of another shape would not be the deployed
# database (a migration test, a test that dropped the schema or added a column leaves another shape behind)
_SHAPE = """
SELECT md5(string_agg(line, E'\\n' ORDER BY line)) FROM (
  SELECT concat_ws(' ', 'column', table_name, column_name, ordinal_position, data_type, is_nullable, column_default)
    FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL
  SELECT concat_ws(' ', 'relation', c.relname, c.relkind) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT concat_ws(' ', 'constraint', r.relname, t.conname, pg_get_constraintdef(t.oid)) FROM pg_constraint t
    JOIN pg_class r ON r.oid = t.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = 'public'
  UNION ALL
  SELECT concat_ws(' ', 'index', indexname, indexdef) FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL
  SELECT concat_ws(' ', 'trigger', r.relname, g.tgname) FROM pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid
    JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = 'public' AND NOT g.tgisinternal
) AS shape(line)
"""


def reset_database(url: str) -> None:
    """Drop every table of the test database (PostgreSQL is shared between tests)."""
    eng = sa.create_engine(url, poolclass=NullPool)
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    eng.dispose()


def create_schema(url: str) -> None:
    eng = sa.create_engine(url, poolclass=NullPool)
    for metadata in _metadatas():
        metadata.create_all(eng)
    eng.dispose()


def deploy_everything(url: str, clock, worker_id: str = "test-worker"):
    """Create the tables, deploy processes/ and forms/ and add the demo accounts → the engine that did it."""
    from api.demo import DEMO_USERS, ensure_user

    create_schema(url)
    eng = new_engine(url, clock, worker_id)
    eng.deploy_folders("test")
    for user in DEMO_USERS:
        ensure_user(eng, *user)
    return eng


def new_engine(url: str, clock, worker_id: str = "test-worker"):
    from engine.bootstrap import bootstrap

    return bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                     worker_id=worker_id)


def _metadatas():
    from engine.store.models import Base
    from handlers.ledger.schema import metadata as ledger_metadata

    return Base.metadata, ledger_metadata


def _table_order() -> list[str]:
    """Every table, parents before the tables whose foreign keys point at them."""
    names = []
    for metadata in _metadatas():
        names += [t.name for t in metadata.sorted_tables if t.name not in names]
    return names


def _deployed_clock():
    from engine.clock import FakeClock

    return FakeClock(DEPLOYED_AT)


@dataclass
class SqliteSnapshot:
    """The deployed database as a file, copied for each test."""
    path: Path

    @classmethod
    def build(cls, folder: Path) -> "SqliteSnapshot":
        path = folder / "deployed.db"
        eng = deploy_everything(f"sqlite:///{path}", _deployed_clock())
        eng.runtime.db.dispose()
        with sqlite3.connect(path) as conn:       # everything in the one file: nothing left in the -wal
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return cls(path)

    def restore(self, url: str) -> bool:
        target = Path(sa.engine.make_url(url).database)
        if any(target.parent.glob(target.name + "*")):
            return False                           # the test made its database already: not ours to replace
        shutil.copyfile(self.path, target)
        return True


@dataclass
class PostgresSnapshot:
    """The deployed rows of every table (COPY … BINARY) and where each sequence stood."""
    shape: str
    rows: dict[str, bytes] = field(default_factory=dict)
    sequences: str = ""       # one SELECT setval(…), … putting every sequence back

    @classmethod
    def build(cls, url: str) -> "PostgresSnapshot":
        reset_database(url)
        deploy_everything(url, _deployed_clock()).runtime.db.dispose()
        db = sa.create_engine(url, poolclass=NullPool)
        try:
            with db.connect() as conn:
                snapshot = cls(conn.execute(sa.text(_SHAPE)).scalar())
                cursor = conn.connection.driver_connection.cursor()
                for name in _table_order():
                    if conn.execute(sa.text(f'SELECT EXISTS (SELECT 1 FROM "{name}")')).scalar():
                        with cursor.copy(f'COPY "{name}" TO STDOUT (FORMAT BINARY)') as copy:
                            snapshot.rows[name] = b"".join(bytes(chunk) for chunk in copy)
                snapshot.sequences = "SELECT " + ", ".join(
                    f"setval('public.\"{name}\"', {last if last is not None else start}, {last is not None})"
                    for name, last, start in conn.execute(sa.text(
                        "SELECT sequencename, last_value, start_value FROM pg_sequences WHERE schemaname = 'public'")))
        finally:
            db.dispose()
        return snapshot

    def restore(self, url: str) -> bool:
        db = sa.create_engine(url, poolclass=NullPool)
        try:
            with db.connect() as conn:
                if conn.execute(sa.text(_SHAPE)).scalar() != self.shape:
                    conn.rollback()
                    reset_database(url)
                    create_schema(url)
                    if conn.execute(sa.text(_SHAPE)).scalar() != self.shape:
                        raise AssertionError("create_all made another schema than the snapshot's")
                # DELETE, not TRUNCATE: a TRUNCATE makes new files for each table and index (ten times slower here)
                conn.exec_driver_sql("SET LOCAL synchronous_commit = off; "   # test data need not survive a crash
                                     + " ".join(f'DELETE FROM "{t}";' for t in reversed(_table_order())))
                cursor = conn.connection.driver_connection.cursor()
                for name, data in self.rows.items():
                    with cursor.copy(f'COPY "{name}" FROM STDIN (FORMAT BINARY)') as copy:
                        copy.write(data)
                conn.exec_driver_sql(self.sequences)
                conn.commit()
        finally:
            db.dispose()
        return True


def build_snapshot(url: str | None, folder: Path):
    """The snapshot for the run's database: PostgreSQL at ``url``, else SQLite files under ``folder``."""
    return PostgresSnapshot.build(url) if url else SqliteSnapshot.build(folder)


def deployed_engine(snapshot, url: str, clock, worker_id: str = "test-worker"):
    """An engine on ``url`` holding the deployed database: a copy of the snapshot when that is what a deploy
    would write now, else deployed for real. A new Engine each time, so no cache of one test's reaches another."""
    if clock.now() == _deployed_clock().now() and snapshot.restore(url):
        return new_engine(url, clock, worker_id)
    return deploy_everything(url, clock, worker_id)
