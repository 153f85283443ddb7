"""Write-once helper: insert a row unless a row with the same unique key already exists."""
from __future__ import annotations

import sqlalchemy as sa


def find(conn, table: sa.Table, match: dict) -> dict | None:
    """The first row equal on any one of the (column, value) pairs in match."""
    for column, value in match.items():
        row = conn.execute(sa.select(table).where(table.c[column] == value)).mappings().first()
        if row is not None:
            return dict(row)
    return None


def insert_once(db: sa.Engine, table: sa.Table, row: dict, match: dict) -> dict:
    """Insert row, or return the row already stored under one of the unique keys in match.

    A concurrent writer that wins the race makes our insert fail on the unique constraint; we then
    return the winner's row.
    """
    try:
        with db.begin() as conn:
            found = find(conn, table, match)
            if found is not None:
                return found
            conn.execute(table.insert().values(**row))
            return find(conn, table, match)
    except sa.exc.IntegrityError:
        with db.connect() as conn:
            found = find(conn, table, match)
        if found is None:
            raise
        return found
