"""Write-once helper: insert a row unless a row with the same unique key already exists."""
from __future__ import annotations

import sqlalchemy as sa

from ..context import HandlerError
from .connection import begin, insert_ignoring

_FIND: dict[tuple, sa.Select] = {}


def _find_statement(table: sa.Table, columns: tuple[str, ...]) -> sa.Select:
    """SELECT the rows equal on any of ``columns`` (one bound parameter each; built once per table and columns)."""
    found = _FIND.get((table.name, columns))
    if found is None:
        found = _FIND[(table.name, columns)] = sa.select(table).where(
            sa.or_(*(table.c[c] == sa.bindparam(f"m_{c}") for c in columns)))
    return found


def find(conn, table: sa.Table, match: dict) -> dict | None:
    """The first row equal on any one of the (column, value) pairs in match, in the order of match
    (one statement: every column in match is a unique key, so it returns at most one row per pair)."""
    params = {f"m_{c}": v for c, v in match.items()}
    if len(match) == 1:
        row = conn.execute(_find_statement(table, tuple(match)), params).mappings().first()
        return dict(row) if row is not None else None
    rows = conn.execute(_find_statement(table, tuple(match)), params).mappings().all()
    for column, value in match.items():
        for row in rows:
            if row[column] == value:
                return dict(row)
    return None


def insert_new(conn, table: sa.Table, row: dict) -> dict | None:
    """Insert row unless it conflicts on a unique key → the stored row, or None when another row was there."""
    stored = conn.execute(insert_ignoring(conn, table, *table.c), row).mappings().first()
    return dict(stored) if stored is not None else None


def insert_once(db: sa.Engine, table: sa.Table, row: dict, match: dict) -> dict | None:
    """Insert row, or return the row already stored under one of the unique keys in match → the row, or
    None when the insert conflicts with a row under some other unique key (the caller says what that means).

    A concurrent writer that wins the race makes our insert do nothing (ON CONFLICT DO NOTHING: on PostgreSQL
    it waits for the winner's commit); we then return the winner's row. No error is raised inside the
    transaction, which may be the engine command's own."""
    with begin(db) as conn:
        stored = insert_new(conn, table, row)
        return stored if stored is not None else find(conn, table, match)


def insert_once_or_fail(db: sa.Engine, table: sa.Table, row: dict, match: dict) -> dict:
    """``insert_once``, where a conflict on another unique key is an error (retried, then an incident)."""
    stored = insert_once(db, table, row, match)
    if stored is None:
        raise HandlerError(f"{table.name}: the row for {match} conflicts with a stored row under another key")
    return stored
