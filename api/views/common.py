"""Helpers shared by the views: the engine of this app, paging, masking and auditing."""
from __future__ import annotations

from flask import current_app, g

from engine import queries, records


def engine():
    return current_app.extensions["retire_engine"]


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
    records.audit_row(session, at=eng.runtime.now(), username=username, action=action, resource=resource,
                      resource_id=str(resource_id), details=details, locality_path=path, instance_id=instance_id)
