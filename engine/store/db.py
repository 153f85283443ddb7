"""Database connection: one SQLAlchemy engine and session factory per Engine."""
from __future__ import annotations

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
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


def make_session_factory(eng: sa.Engine) -> so.sessionmaker:
    return so.sessionmaker(eng, expire_on_commit=False)
