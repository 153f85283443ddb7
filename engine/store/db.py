"""Database connection: one SQLAlchemy engine and session factory per Engine."""
from __future__ import annotations

import select

import sqlalchemy as sa
from sqlalchemy import event, orm as so


def make_db_engine(url: str, **kwargs) -> sa.Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        eng = sa.create_engine(url, **kwargs)

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return eng
    # A pooled connection the server closed (a restart, pg_terminate_backend, a relay that dropped it) is noticed at
    # checkout without a round trip (``closed_by_the_server``) and replaced by a new one; pool_pre_ping sent a
    # SELECT 1 at every checkout for that. pool_pre_ping=True can still be passed to have both.
    eng = sa.create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        event.listen(eng, "checkout", _replace_if_closed_by_the_server)
    return eng


def _replace_if_closed_by_the_server(dbapi_conn, _record, _proxy) -> None:
    if closed_by_the_server(dbapi_conn):
        raise sa.exc.DisconnectionError("the database closed this pooled connection")  # the pool connects anew


def closed_by_the_server(dbapi_conn) -> bool:
    """Whether an idle pooled connection is known dead without asking the server: the driver saw it break, or its
    socket has something to read although no query is running — the server only speaks unasked to end the
    session (the FATAL message and end of stream a restart or pg_terminate_backend sends). A notice it might send
    unasked only costs a new connection. A connection whose network vanished silently is not seen here: its next
    statement fails (the pool then drops all its connections) and the command is refused, as with a ping."""
    if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
        return True
    try:
        fd = dbapi_conn.fileno()
    except Exception:  # noqa: BLE001 - no socket: closed
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def make_session_factory(eng: sa.Engine) -> so.sessionmaker:
    return so.sessionmaker(eng, expire_on_commit=False)


class WriteWhileReading(RuntimeError):
    """A session of ``Runtime.reading()`` was asked to write: writes belong in ``Runtime.transaction()``."""


def make_reading_session_factory(eng: sa.Engine) -> so.sessionmaker:
    """Sessions that only read (``Runtime.reading()``).

    On PostgreSQL they run in autocommit: a read is its statements only, with no BEGIN before them and no ROLLBACK
    after (after which psycopg also sends DEALLOCATE ALL, dropping the connection's prepared statements). At READ
    COMMITTED the statements of a transaction do not share a snapshot anyway, so each statement sees what it saw
    before: the rows committed when it starts. The connections are the same pool's (``execution_options``), set to
    autocommit at checkout and back at return without a round trip. On SQLite the sessions are as before (a read
    transaction, rolled back at the end; no round trips there).

    A write is refused on both, before it reaches the database: in autocommit it would persist at once (a flush,
    an ORM ``session.execute`` of an INSERT, UPDATE or DELETE raise ``WriteWhileReading``; the session's objects are
    only read). Write in ``Runtime.transaction()``."""
    bind = eng if eng.dialect.name == "sqlite" else eng.execution_options(isolation_level="AUTOCOMMIT")
    factory = so.sessionmaker(bind, expire_on_commit=False)
    event.listen(factory, "before_flush", _refuse_flush)
    event.listen(factory, "do_orm_execute", _refuse_dml)
    return factory


def _refuse_flush(session, _flush_context, _instances) -> None:
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise WriteWhileReading("a reading session does not write: use Runtime.transaction()")


def _refuse_dml(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteWhileReading("a reading session does not write: use Runtime.transaction()")
