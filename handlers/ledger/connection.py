"""The connection a ledger adapter works on: the engine command's own when a handler runs inline inside one
(``handlers.context.inside_command``), else one of its own, as for a job's handler, a script or a test."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..context import command_connection


@contextmanager
def begin(db: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a transaction for a write: the command's (it commits with the case), or a new one."""
    shared = command_connection(db, write=True)
    if shared is not None:
        yield shared
        return
    with db.begin() as conn:
        yield conn


@contextmanager
def connect(db: sa.Engine) -> Iterator[sa.Connection]:
    """A connection for a read: the command's (it sees the rows the command wrote), or a new one."""
    shared = command_connection(db, write=False)
    if shared is not None:
        yield shared
        return
    with db.connect() as conn:
        yield conn


_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_IGNORING: dict[tuple, sa.Insert] = {}


def insert_ignoring(conn: sa.Connection, table: sa.Table, *returning) -> sa.Insert:
    """INSERT … ON CONFLICT DO NOTHING [RETURNING …] for the connection's dialect (built once): a row another
    writer stored first under a unique key is left as it is, and no error aborts the transaction."""
    key = (conn.dialect.name, table.name, tuple(c.name for c in returning))
    found = _IGNORING.get(key)
    if found is None:
        stmt = _INSERT[conn.dialect.name](table).on_conflict_do_nothing()
        found = _IGNORING[key] = stmt.returning(*returning) if returning else stmt
    return found
