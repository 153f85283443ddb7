"""Read models for finding a case and showing it whole: search by ID number, name or business key, the case's
application, joint items, history and open tasks. Indexed tables only, never workflow state."""
from __future__ import annotations

import sqlalchemy as sa

from .store.models import Application, HistoryEvent, HumanTask, HumanTaskGroup, Instance, Item

SEARCH_LIMIT = 20


def search_cases(session, scope_like: str, *, id_number: str | None = None, name: str | None = None,
                 business_key: str | None = None, groups: list[str] | None = None,
                 channels: list[str] | None = None,
                 limit: int = SEARCH_LIMIT) -> list[tuple[Instance, Application | None]]:
    """Cases of the subtree ``scope_like`` matching one of the keys, newest first, at most ``limit``.

    ``groups`` (a clerk's departments) narrows to the cases those departments work on (a task, open or done, or a
    joint item) or that were filed through one of ``channels`` (the clerk's intake channels); None: no narrowing.
    """
    q = (sa.select(Instance, Application).outerjoin(Application, Application.instance_id == Instance.id)
         .where(Instance.locality_path.like(scope_like)))
    if id_number:
        q = q.where(Application.id_number == id_number)
    elif business_key:
        q = q.where(Instance.business_key == business_key)
    elif name:
        q = q.where(Application.name.like(name.replace("\\", "").replace("%", "").replace("_", "") + "%"))
    else:
        return []
    if groups is not None:
        works = sa.or_(
            Instance.id.in_(sa.select(HumanTask.instance_id)
                            .join(HumanTaskGroup, HumanTaskGroup.task_id == HumanTask.id)
                            .where(HumanTaskGroup.group.in_(groups or ["-"]))),
            Instance.id.in_(sa.select(Item.instance_id).where(Item.department.in_(groups or ["-"]))),
            Application.channel.in_(channels or ["-"]))
        q = q.where(works)
    q = q.order_by(Instance.started_at.desc(), Instance.id).limit(limit)
    return [(i, a) for i, a in session.execute(q).all()]


def application_of(session, instance_id: str) -> Application | None:
    return session.scalar(sa.select(Application).where(Application.instance_id == instance_id))


def application_by_key(session, business_key: str) -> Application | None:
    return session.scalar(sa.select(Application).where(Application.business_key == business_key))


def items_of(session, instance_id: str) -> dict[str, Item]:
    return {i.item: i for i in session.scalars(sa.select(Item).where(Item.instance_id == instance_id))}


def history_of(session, instance_id: str, limit: int = 200) -> list[HistoryEvent]:
    return session.scalars(sa.select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
                           .order_by(HistoryEvent.id).limit(limit)).all()


def open_tasks_of(session, instance_id: str) -> list[HumanTask]:
    return session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.status == "open")
                           .order_by(HumanTask.created_at, HumanTask.id)).all()


def running_case(session, locality: str, id_number: str) -> Instance | None:
    """The person's running case in the locality, if any."""
    return session.scalar(sa.select(Instance).where(Instance.locality == locality, Instance.person_key == id_number,
                                                    Instance.status == "running"))
