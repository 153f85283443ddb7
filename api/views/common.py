"""Helpers shared by the views: the engine of this app, paging, masking and auditing."""
from __future__ import annotations

from flask import current_app

from engine.store.models import AuditEvent


def engine():
    return current_app.extensions["retire_engine"]


def audit(session, username: str, action: str, resource: str, resource_id: str, **details):
    session.add(AuditEvent(at=engine().now(), username=username, action=action, resource=resource,
                           resource_id=str(resource_id), details=details))
