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
