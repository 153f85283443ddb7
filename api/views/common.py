"""Helpers shared by the views: the engine of this app, paging, masking and auditing."""
from __future__ import annotations

from flask import current_app

from engine.store.models import AuditEvent
from handlers.personal import mask_card, mask_id, mask_name, mask_phone

PERSONAL_MASKS = {"id_number": mask_id, "name": mask_name, "phone": mask_phone, "bank_card": mask_card,
                  "applicant_name": mask_name, "spouse_name": mask_name}


def engine():
    return current_app.extensions["retire_engine"]


def masked(data: dict | None) -> dict:
    """A copy of ``data`` with personal fields masked (lists and summaries)."""
    out = {}
    for key, value in (data or {}).items():
        if key in PERSONAL_MASKS and isinstance(value, str):
            out[key] = PERSONAL_MASKS[key](value)
        elif isinstance(value, dict):
            out[key] = masked(value)
        else:
            out[key] = value
    return out


def audit(session, username: str, action: str, resource: str, resource_id: str, **details):
    session.add(AuditEvent(at=engine().now(), username=username, action=action, resource=resource,
                           resource_id=str(resource_id), details=details))
