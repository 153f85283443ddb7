"""Helpers shared by the views: the engine of this app, paging, masking and auditing."""
from __future__ import annotations

from flask import current_app, g

from engine.store.models import Application, AuditEvent, HumanTask, Instance, Job


def engine():
    return current_app.extensions["retire_engine"]


_CASE_OF = {"instance": (Instance, "id", "locality"), "task": (HumanTask, "instance_id", "locality"),
            "application_progress": (Application, "instance_id", "locality"),
            "application": (Application, "instance_id", "locality"), "incident": (Job, "instance_id", "locality")}


def audit(session, username: str, action: str, resource: str, resource_id: str, *, locality: str | None = None,
          instance_id: str | None = None, **details):
    """One audit row. The case and the locality come from the record when the caller does not give them, and
    fall back to the actor's locality, so that an auditor of a subtree reads the rows about it."""
    known = _CASE_OF.get(resource)
    if known and (locality is None or instance_id is None):
        model, case_attr, loc_attr = known
        row = session.get(model, int(resource_id) if model is Job else str(resource_id))
        if row is not None:
            instance_id = instance_id or getattr(row, case_attr)
            locality = locality or getattr(row, loc_attr)
    principal = getattr(g, "principal", None)
    locality = locality or (principal.locality if principal else None)
    eng = engine()
    path = eng.locality_path(locality) if locality in eng.localities() else "/"
    session.add(AuditEvent(at=eng.now(), username=username, action=action, resource=resource,
                           resource_id=str(resource_id), details=details, locality_path=path,
                           instance_id=instance_id))
