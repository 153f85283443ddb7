"""Helpers shared by the views: the engine of this app, paging, masking and auditing."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g

from engine import queries
from engine.store.models import AuditEvent


def engine():
    return current_app.extensions["retire_engine"]


# one prebuilt Core insert in the request's transaction (it commits or rolls back with it): an audited read
# (every GET of a task, every progress page) then pays no unit-of-work flush for its one row
_AUDIT = sa.insert(AuditEvent.__table__)


def audit(session, username: str, action: str, resource: str, resource_id: str, *, locality: str | None = None,
          instance_id: str | None = None, **details):
    """One audit row. The case and the locality come from the record when the caller does not give them, and
    fall back to the actor's locality, so that an auditor of a subtree reads the rows about it."""
    if locality is None or instance_id is None:
        case, case_locality = queries.case_of(session, resource, resource_id)
        instance_id, locality = instance_id or case, locality or case_locality
    principal = getattr(g, "principal", None)
    locality = locality or (principal.locality if principal else None)
    eng = engine()
    path = eng.runtime.localities.path(locality) if locality in eng.runtime.localities.all() else "/"
    session.connection().execute(_AUDIT, {"at": eng.runtime.now(), "username": username, "action": action,
                                          "resource": resource, "resource_id": str(resource_id), "details": details,
                                          "locality_path": path, "instance_id": instance_id})
