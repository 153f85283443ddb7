"""用人单位 / 档案托管机构 (employer, archive_agency): who they must declare for, and by when.

吉人社联〔2024〕56号 三(二): the employer or archive agency submits the pre-review declaration 6 months before the
person reaches retirement age. ``list_declarations_due`` lists, per employer, the insured persons whose
retirement month is ``retirement_month`` (the diagram picks it, e.g. 7 months ahead so that the declaration falls
due next month) with the declaration due date ``declaration_due`` the diagram computed.
"""
from __future__ import annotations

import logging

from .context import HandlerError
from .decisions import CachedDecision
from .localities import subtree_prefix
from .months import as_date, month_of
from .personal import mask_id

log = logging.getLogger(__name__)


def list_declarations_due(ctx) -> dict:
    target = month_of(ctx.inputs.get("retirement_month") or ctx.variables.get("retirement_month_ahead"))
    due = ctx.inputs.get("declaration_due") or ctx.variables.get("declaration_due")
    if not target or not due:
        raise HandlerError("employer.list_declarations_due needs retirement_month and declaration_due")
    statutory = CachedDecision(ctx, "statutory_retirement_age")
    upcoming, by_employer = [], {}
    for person in ctx.ports.roster.in_locality(subtree_prefix(ctx.locality)):
        birth = as_date(person.get("birth_date_file") or person["birth_date_id_card"])
        month = month_of(statutory(category=person["category"], birth_month=month_of(birth))["retirement_month"])
        if month != target:
            continue
        upcoming.append({"id_number": person["id_number"], "name": person["name"], "phone": person.get("phone"),
                         "retirement_month": month})
        employer = person.get("employer") or "解除劳动关系人员（档案托管机构）"
        by_employer.setdefault(employer, []).append({
            "name": person["name"], "id_number": mask_id(person["id_number"]), "retirement_month": month,
            "declaration_due": str(due)})
    upcoming.sort(key=lambda p: p["id_number"])
    declarations = [{"employer": name, "count": len(people), "declaration_due": str(due),
                     "persons": sorted(people, key=lambda p: p["id_number"])}
                    for name, people in sorted(by_employer.items())]
    log.info("%s: %d persons reach retirement age in %s, %d employers to remind", ctx.locality, len(upcoming),
             target, len(declarations))
    return {"upcoming": upcoming, "declarations_due": declarations, "declarations_count": len(upcoming)}


HANDLERS = {"employer.list_declarations_due": list_declarations_due}
