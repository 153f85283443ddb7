"""Reads behind the reports and the files the offices exchange (采集表, quarterly list, per-item lists).

Every function takes a session and the LIKE pattern of the caller's subtree (``scope_like``), so no row of
another branch of the locality tree can come back. Months are Beijing-time months ('YYYY-MM').
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

import sqlalchemy as sa

from .clock import SHANGHAI
from .runtime.mirror import RECORDED_FIELDS
from .store.models import Application, HumanTask, HumanTaskGroup, Instance, Item


def month_bounds(first: str, last: str) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the month after ``last``) in Beijing time."""
    y, m = int(first[:4]), int(first[5:7])
    start = datetime.combine(date(y, m, 1), time(0), SHANGHAI)
    y, m = int(last[:4]), int(last[5:7])
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return start, datetime.combine(date(y, m, 1), time(0), SHANGHAI)


def _month(at: datetime | None) -> str | None:
    if at is None:
        return None
    if at.tzinfo is None:
        from datetime import timezone
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(SHANGHAI).strftime("%Y-%m")


def monthly_completions(session, scope_like: str, first: str, last: str) -> list[dict]:
    """Completed joint items (办结数量) per month, locality, department and item."""
    start, end = month_bounds(first, last)
    q = (sa.select(Item.department, Item.item, Item.locality, Item.completed_at)
         .where(Item.state == "done", Item.locality_path.like(scope_like), Item.completed_at >= start,
                Item.completed_at < end))
    counts: dict[tuple, int] = defaultdict(int)
    for dept, item, loc, at in session.execute(q):
        counts[(_month(at), loc, dept, item)] += 1
    return [{"month": k[0], "locality": k[1], "department": k[2], "item": k[3], "completed": n}
            for k, n in sorted(counts.items())]


def overdue_by_department(session, scope_like: str, now: datetime) -> list[dict]:
    """Open human tasks past their due time, per candidate department and locality (with the oldest due)."""
    q = (sa.select(HumanTaskGroup.group, HumanTask.locality, sa.func.count(), sa.func.min(HumanTask.due_at))
         .join(HumanTask, HumanTask.id == HumanTaskGroup.task_id)
         .where(HumanTask.status == "open", HumanTask.locality_path.like(scope_like), HumanTask.due_at < now)
         .group_by(HumanTaskGroup.group, HumanTask.locality).order_by(HumanTaskGroup.group, HumanTask.locality))
    return [{"department": g, "locality": loc, "overdue": n, "oldest_due": due}
            for g, loc, n, due in session.execute(q)]


def open_by_department(session, scope_like: str) -> dict[tuple, int]:
    q = (sa.select(HumanTaskGroup.group, HumanTask.locality, sa.func.count())
         .join(HumanTask, HumanTask.id == HumanTaskGroup.task_id)
         .where(HumanTask.status == "open", HumanTask.locality_path.like(scope_like))
         .group_by(HumanTaskGroup.group, HumanTask.locality))
    return {(g, loc): n for g, loc, n in session.execute(q)}


def _acceptances():
    from handlers.ledger.schema import acceptances
    return acceptances


def batch_summary(session, scope_like: str, month: str) -> list[dict]:
    """The monthly batch of each submitting office (报送组) of each locality: accepted and submitted counts."""
    acc = _acceptances()
    q = (sa.select(acc.c.locality, acc.c.batch_group, sa.func.count(), sa.func.count(acc.c.submitted_at),
                   sa.func.max(acc.c.submitted_at))
         .where(acc.c.batch_month == month,
                sa.exists().where(Instance.business_key == acc.c.business_key,
                                  Instance.locality_path.like(scope_like)))
         .group_by(acc.c.locality, acc.c.batch_group).order_by(acc.c.locality, acc.c.batch_group))
    return [{"locality": loc, "batch_group": grp, "accepted": n, "submitted": s, "submitted_at": at}
            for loc, grp, n, s, at in session.execute(q)]


def batch_rows(session, scope_like: str, month: str, batch_groups: list[str] | None) -> list[dict]:
    """One row per person of a monthly batch (the 信息采集表): the acceptance, the application, the roster row,
    the case's joint items and what the accepting office recorded when it took the materials."""
    from handlers.ledger.schema import persons

    acc = _acceptances()
    q = (sa.select(acc.c.business_key, acc.c.id_number, acc.c.locality, acc.c.channel, acc.c.batch_group,
                   acc.c.accepted_on, acc.c.submitted_at, Application.name, Application.data, Application.submitted_by,
                   Instance.id.label("instance_id"), persons.c.birth_date_id_card, persons.c.birth_date_file,
                   persons.c.phone)
         .join(Instance, Instance.business_key == acc.c.business_key)
         .outerjoin(Application, Application.business_key == acc.c.business_key)
         .outerjoin(persons, persons.c.id_number == acc.c.id_number)
         .where(acc.c.batch_month == month, Instance.locality_path.like(scope_like))
         .order_by(acc.c.batch_group, acc.c.accepted_on, acc.c.business_key))
    if batch_groups is not None:
        q = q.where(acc.c.batch_group.in_(batch_groups))
    rows = [dict(r) for r in session.execute(q).mappings()]
    ids = [r["instance_id"] for r in rows]
    items, tasks = defaultdict(list), {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for iid, code in session.execute(sa.select(Item.instance_id, Item.item).where(Item.instance_id.in_(part))
                                         .order_by(Item.instance_id, Item.item)):
            items[iid].append(code)
        for t in session.scalars(sa.select(HumanTask).where(HumanTask.instance_id.in_(part),
                                                            HumanTask.form_ref == "collection_form")
                                 .order_by(HumanTask.created_at)):
            tasks[t.instance_id] = t
    for r in rows:
        data = r.pop("data") or {}
        task = tasks.get(r["instance_id"])
        summary = (task.summary if task is not None else None) or {}
        r["items"] = items.get(r["instance_id"], [])
        r["phone"] = data.get("phone") or r["phone"]
        r["birth_date"] = r.pop("birth_date_file") or r.pop("birth_date_id_card", None)
        r.pop("birth_date_id_card", None)
        r["retirement_date"] = summary.get("retirement_date") or data.get("retirement_date")
        r["name"] = r["name"] or summary.get("name")
        r["recorded"] = {k: summary[k] for k in RECORDED_FIELDS if k in summary}
        r["collected_by"] = task.completed_by if task is not None and task.status == "completed" else None
        r["collected_at"] = task.completed_at if task is not None else None
    return rows


def pushed_rows(session, scope_like: str, month: str, department: str) -> list[dict]:
    """The persons whose joint items of ``department`` were pushed to it (started) in ``month``: the list sorted
    by joint item that the county social-insurance centre sends to each department."""
    start, end = month_bounds(month, month)
    q = (sa.select(Item.item, Item.state, Item.locality, Item.started_at, Item.completed_at, Instance.business_key,
                   Application.name, Application.id_number, Application.data)
         .join(Instance, Instance.id == Item.instance_id)
         .outerjoin(Application, Application.business_key == Instance.business_key)
         .where(Item.department == department, Item.locality_path.like(scope_like), Item.started_at >= start,
                Item.started_at < end)
         .order_by(Item.item, Item.started_at, Instance.business_key))
    out = []
    for r in session.execute(q).mappings():
        data = r["data"] or {}
        out.append({"item": r["item"], "state": r["state"], "locality": r["locality"], "pushed_at": r["started_at"],
                    "completed_at": r["completed_at"], "business_key": r["business_key"], "name": r["name"],
                    "id_number": r["id_number"], "phone": data.get("phone"), "channel": data.get("channel")})
    return out


def upcoming_persons(eng, session, prefix: str, months: set[str]) -> list[dict]:
    """Roster persons whose statutory retirement month (per the locality's DMN table) falls in ``months``."""
    found, cache, known = [], {}, eng.localities.all()
    for person in eng.ports.roster.in_locality(prefix):
        birth = person.get("birth_date_file") or person["birth_date_id_card"]
        code = person["locality"]  # a roster county (220102) decides with the nearest locality the engine knows
        where = next((c for c in (code, code[:4] + "00", code[:2] + "0000") if c in known), "000000")
        key = (where, person["category"], str(birth)[:7])
        if key not in cache:
            cache[key] = eng.decisions.decide("statutory_retirement_age", where,
                                    {"category": key[1], "birth_month": key[2]}, session=session)
        month = cache[key]["retirement_month"]
        if month in months:
            found.append({"id_number": person["id_number"], "name": person["name"], "phone": person.get("phone"),
                          "locality": person["locality"], "category": person["category"], "retirement_month": month,
                          "birth_date": str(birth)})
    found.sort(key=lambda p: (p["retirement_month"], p["id_number"]))
    return found
