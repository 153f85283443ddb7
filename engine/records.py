"""Small writes the API makes outside the engine's command path: accounts, drafts, applications, audit rows.

Views call these so that they hold no ORM calls of their own (see ``engine/queries.py`` for the reads).
"""
from __future__ import annotations

import sqlalchemy as sa

from .store.models import Application, AuditEvent, Draft, User


def add(session, row) -> None:
    """A new account, application or draft row in this transaction."""
    if not isinstance(row, (Application, Draft, User)):
        raise TypeError(f"records.add takes an account, an application or a draft, not {type(row).__name__}")
    session.add(row)


def audit_row(session, **fields) -> None:
    session.add(AuditEvent(**fields))


def save_draft(session, locality: str, file_name: str, kind: str, content: str, author: str, now) -> Draft:
    d = session.scalar(sa.select(Draft).where(Draft.locality == locality, Draft.file_name == file_name))
    if d is None:
        d = Draft(locality=locality, file_name=file_name, kind=kind, content="", author="", updated_at=now)
        session.add(d)
    d.content, d.author, d.updated_at = content, author, now
    session.flush()
    return d


def delete(session, row) -> None:
    """Discard a draft or an account."""
    if not isinstance(row, (Draft, User)):
        raise TypeError(f"records.delete takes a draft or an account, not {type(row).__name__}")
    session.delete(row)


def set_password_hash(session, user_id: int, password_hash: str) -> None:
    session.execute(sa.update(User).where(User.id == user_id).values(password_hash=password_hash))


def end_sessions(session, username: str) -> None:
    """Every token of the account stops working: its generation moves on."""
    session.execute(sa.update(User).where(User.username == username)
                    .values(token_generation=User.token_generation + 1))
