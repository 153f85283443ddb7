"""Read models for the API: lists and views built from the indexed tables, never from workflow state."""
from __future__ import annotations

import base64
import binascii
import json
import weakref
from datetime import datetime

import sqlalchemy as sa

from .errors import InvalidInput, NotFound
from .progress_next import next_steps
from .store.models import UTCDateTime
from .store.models import (Application, AuditEvent, Definition, HistoryEvent, HumanTask, HumanTaskGroup, InboxEntry,
                           Instance, Item, Job, Subscription)


def page(session, query, page_no: int, size: int):
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(size).offset((page_no - 1) * size)).all()
    return rows, total


# --- keyset (seek) paging and bounded totals: page 1 and every later page cost the same at a million rows ---

# totals count this far; beyond it a list says "more than COUNT_CAP" (total_capped). Counting is the costly part of a
# page at a million rows (each candidate is checked against scope and groups), so the cap is what a clerk can use.
COUNT_CAP = 200


class Order:
    """A list's sort key: (attribute, column, descending) triples, the last one unique. Undated rows (a nullable
    ascending key) come last, as the index stores them on PostgreSQL."""

    def __init__(self, *keys):
        self.keys = keys

    def clauses(self):
        return [col.desc() if desc else (col.asc().nulls_last() if col.nullable else col.asc())
                for _attr, col, desc in self.keys]

    def values(self, row) -> list:
        return [getattr(row, attr) for attr, _col, _desc in self.keys]

    def after(self, values):
        """Rows strictly after ``values`` in this order: (k1 > v1) or (k1 = v1 and k2 > v2) or …"""
        ors, equal = [], []
        for (_attr, col, desc), v in zip(self.keys, values):
            if v is None:
                later = sa.false()   # nothing sorts after an undated row but other undated rows (equal)
                same = col.is_(None)
            else:
                later = col < v if desc else (sa.or_(col > v, col.is_(None)) if col.nullable else col > v)
                same = col == v
            ors.append(sa.and_(*equal, later))
            equal.append(same)
        return sa.or_(*ors)

    def encode(self, row) -> str:
        raw = [v.isoformat() if isinstance(v, datetime) else v for v in self.values(row)]
        return base64.urlsafe_b64encode(json.dumps(raw, separators=(",", ":")).encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> list:
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(raw, list) or len(raw) != len(self.keys):
                raise ValueError("wrong length")
            out = []
            for (_attr, col, _desc), v in zip(self.keys, raw):
                if v is None and not col.nullable:
                    raise ValueError("null key")
                if v is not None and isinstance(col.type, UTCDateTime):
                    v = datetime.fromisoformat(v)
                    if v.tzinfo is None:
                        raise ValueError("naive datetime")
                elif v is not None and not isinstance(v, (str, int)) or isinstance(v, bool):
                    raise ValueError("not a key value")
                out.append(v)
            return out
        except (ValueError, TypeError, UnicodeDecodeError, binascii.Error) as exc:
            raise InvalidInput("翻页游标无效：the 'after' cursor is not one this list returned",
                               {"after": ["not a cursor returned as 'next' by this list"]}) from exc


def bounded_count(session, query, cap: int) -> tuple[int, bool]:
    """(rows counted up to ``cap``, whether there are more than that)."""
    n = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).limit(cap + 1).subquery()))
    return min(n, cap), n > cap


def seek_page(session, query, order: Order, *, size: int, page_no: int = 1, after: str | None = None,
              count: bool = True) -> dict:
    """One page of ``query`` in ``order``: after the cursor ``after`` when given (seek), else page ``page_no``
    (offset). ``total`` counts to COUNT_CAP (or just past the page asked for) and ``total_capped`` says there are
    more; ``next`` is the cursor of the following page, None on the last one."""
    q = query.order_by(*order.clauses())
    if after:
        rows = session.scalars(q.where(order.after(order.decode(after))).limit(size + 1)).all()
    else:
        rows = session.scalars(q.limit(size + 1).offset((page_no - 1) * size)).all()
    more_rows = len(rows) > size
    rows = rows[:size]
    if not count:
        total, capped = None, False
    elif (known := _total_from_page(rows, more_rows, size, page_no, after)) is not None:
        total, capped = known, False
    else:
        total, capped = bounded_count(session, query, max(COUNT_CAP, page_no * size + 1))
    return {"rows": rows, "total": total, "total_capped": capped,
            "next": order.encode(rows[-1]) if more_rows and rows else None}


def _total_from_page(rows, more_rows: bool, size: int, page_no: int, after) -> int | None:
    """The total when the page itself tells it (the last page by number, not empty, or an empty first page): a
    lookup by business key or ID number then costs one query, not two."""
    if after or more_rows or (not rows and page_no > 1):
        return None
    return (page_no - 1) * size + len(rows)


def in_scope(path_column, scope_like: str, leaf: str | None = None, code_column=None):
    """The scope rule on a row's locality path: within the subtree ``scope_like`` (its path and ``%``). When the
    subtree is one locality (``leaf``, a county) its rows have that path itself: the equality implies the prefix
    and, unlike a LIKE, PostgreSQL estimates it right (with the statistics object that ties a locality to its path),
    so a county's list walks the index on (locality, …) in order instead of sorting all of the county's rows."""
    leaf_path = scope_like[:-1] if leaf and scope_like.endswith("%") and "%" not in scope_like[:-1] else None
    if leaf_path is None:
        return path_column.like(scope_like)
    return sa.and_(path_column == leaf_path, *([code_column == leaf] if code_column is not None else []))


def instance_query(scope_like: str, *, business_key=None, locality=None, status=None, key=None, leaf=None):
    """Cases of a subtree; ``leaf``: the subtree is this one locality (its own index keeps the order)."""
    q = sa.select(Instance).where(in_scope(Instance.locality_path, scope_like, leaf, Instance.locality))
    if business_key:
        q = q.where(Instance.business_key == business_key)
    if locality:
        q = q.where(Instance.locality_path.like(f"%/{locality}/%"))
    if status:
        q = q.where(Instance.status == status)
    if key:
        q = q.where(Instance.process_key == key)
    return q


INSTANCE_ORDER = Order(("started_at", Instance.started_at, True), ("id", Instance.id, True))


def task_query(scope_like: str, *, groups=None, assignee=None, locality=None, process=None, due_before=None,
               status="open", business_key=None, leaf=None):
    """Tasks of a subtree; ``leaf``: the subtree is this one locality (a county: the index on (status, locality,
    due_at, created_at, id) then hands the first page over in order, however many other counties there are)."""
    q = sa.select(HumanTask).where(in_scope(HumanTask.locality_path, scope_like, leaf, HumanTask.locality),
                                   HumanTask.status == status)
    if groups is not None:  # a probe of the (task_id, group) key per task, walking the inbox index in order
        q = q.where(sa.exists().where(HumanTaskGroup.task_id == HumanTask.id, HumanTaskGroup.group.in_(groups)))
    if assignee:
        q = q.where(HumanTask.assignee == assignee)
    if locality:
        q = q.where(HumanTask.locality_path.like(f"%/{locality}/%"))
    if process:
        q = q.where(HumanTask.process_key == process)
    if business_key:
        q = q.where(HumanTask.business_key == business_key)
    if due_before:
        q = q.where(HumanTask.due_at < due_before)
    return q


# due first (undated last), then oldest: the ix_human_tasks_inbox index (status, due_at, created_at, id)
TASK_ORDER = Order(("due_at", HumanTask.due_at, False), ("created_at", HumanTask.created_at, False),
                   ("id", HumanTask.id, False))


# the same order on the inbox table (ix_inbox_order: group, locality_path, then these): a cursor of one is one of both
INBOX_ORDER = Order(("due_at", InboxEntry.due_at, False), ("created_at", InboxEntry.created_at, False),
                    ("task_id", InboxEntry.task_id, False))


def task_page(session, scope_like: str, *, size: int, page_no: int = 1, after: str | None = None, groups=None,
              assignee=None, process=None, due_before=None, business_key=None, leaf=None) -> dict:
    """The task list (GET /api/tasks): open tasks of the subtree ``scope_like``, of ``groups`` when given, as
    ``seek_page`` returns them (rows in TASK_ORDER, a total bounded at COUNT_CAP, the next page's cursor).

    With groups (a clerk's list, or anyone's filtered by group) the page and its count come from the inbox table:
    for each group, the head of its index range — one locality (``leaf``: ``locality_path`` equal to the county's
    path, whose index order is the list's order) or a subtree — merged, a task of two of the groups once. Without
    groups (an administrator's whole list) or by business key (one case's few tasks), from ``human_tasks``."""
    if business_key and not (assignee or process or due_before or after):
        return _case_tasks(session, scope_like, leaf, groups, business_key, size, page_no)
    if groups is None or business_key:
        return seek_page(session, task_query(scope_like, groups=groups, assignee=assignee, process=process,
                                             due_before=due_before, business_key=business_key, leaf=leaf),
                         TASK_ORDER, size=size, page_no=page_no, after=after)
    groups = sorted(set(groups))
    cursor = INBOX_ORDER.decode(after) if after else None

    def heads(columns, limit, seek=None, ordered=True):
        """Per group: its first ``limit`` inbox rows (``columns``) in the scope, after ``seek`` when given (any
        ``limit`` of them when not ``ordered``: a count)."""
        out = []
        for g in groups:
            q = sa.select(*columns).where(InboxEntry.group == g, in_scope(InboxEntry.locality_path, scope_like, leaf))
            if due_before:
                q = q.where(InboxEntry.due_at < due_before)
            if assignee or process:
                q = q.join(HumanTask, HumanTask.id == InboxEntry.task_id)
                if assignee:
                    q = q.where(HumanTask.assignee == assignee)
                if process:
                    q = q.where(HumanTask.process_key == process)
            if seek is not None:
                q = q.where(INBOX_ORDER.after(seek))
            out.append((q.order_by(*INBOX_ORDER.clauses()) if ordered else q).limit(limit))
        return out

    keys = (InboxEntry.due_at, InboxEntry.created_at, InboxEntry.task_id)
    offset = 0 if cursor else (page_no - 1) * size
    firsts = heads(keys, offset + size + 1, cursor)
    if len(firsts) == 1:
        head = firsts[0].subquery()
    else:  # UNION: a task in two of the groups has the same (due, created, id) in both; the merged head only is joined
        u = sa.union(*(sa.select(q.subquery()) for q in firsts)).subquery()
        head = sa.select(u).order_by(u.c.due_at.asc().nulls_last(), u.c.created_at, u.c.task_id) \
            .limit(offset + size + 1).subquery()
    cap = max(COUNT_CAP, page_no * size + 1)
    counted = heads((InboxEntry.task_id,), cap + 1, ordered=False)
    if len(counted) == 1:
        count = sa.select(sa.func.count()).select_from(counted[0].subquery())
    else:  # every group's rows up to the cap: more than ``cap`` distinct tasks only if one group has them
        u = sa.union_all(*(sa.select(q.subquery()) for q in counted)).subquery()
        count = sa.select(sa.func.count(sa.distinct(u.c.task_id)))
    # one statement: the page's task rows in order, and the bounded count beside them
    got = session.execute(
        sa.select(HumanTask, count.scalar_subquery().label("n"))
        .join(head, HumanTask.id == head.c.task_id)
        .where(HumanTask.status == "open", in_scope(HumanTask.locality_path, scope_like))
        .order_by(head.c.due_at.asc().nulls_last(), head.c.created_at, head.c.task_id)
        .limit(size + 1).offset(offset)).all()
    more_rows, rows = len(got) > size, [r[0] for r in got[:size]]
    n = got[0].n if got else _total_from_page(rows, more_rows, size, page_no, after)
    if n is None:  # an empty page past the end, or after a cursor: count on its own
        n = session.scalar(count)
    return {"rows": rows, "total": min(n, cap), "total_capped": n > cap,
            "next": TASK_ORDER.encode(rows[-1]) if more_rows and rows else None}


# a case's wait states, items and history, read after every command (the detail a completion answers with, the
# progress pages): prebuilt Core statements (compiled once) returning read-only rows — the tables' columns, read by
# attribute as ORM objects are — so no ORM instance, identity-map entry or loading step is made per row
_tasks_t, _jobs_t, _subs_t, _items_t, _history_t = (HumanTask.__table__, Job.__table__, Subscription.__table__,
                                                    Item.__table__, HistoryEvent.__table__)
_OPEN_TASKS = sa.select(_tasks_t).where(_tasks_t.c.instance_id == sa.bindparam("instance_id"),
                                        _tasks_t.c.status == "open")
_ACTIVE_JOBS = sa.select(_jobs_t).where(_jobs_t.c.instance_id == sa.bindparam("instance_id"),
                                        _jobs_t.c.status.in_(("ready", "running", "incident")))
_SUBSCRIPTIONS = sa.select(_subs_t).where(_subs_t.c.instance_id == sa.bindparam("instance_id"))
_ITEMS = sa.select(_items_t).where(_items_t.c.instance_id == sa.bindparam("instance_id"))
_HISTORY = sa.select(_history_t).where(_history_t.c.instance_id == sa.bindparam("instance_id")) \
    .order_by(_history_t.c.id)
_DEFINITION_VERSION = sa.select(Definition.version).where(Definition.id == sa.bindparam("definition_id"))


def _rows(session, statement, instance_id: str) -> list:
    return session.connection().execute(statement, {"instance_id": instance_id}).all()


def open_tasks(session, instance_id: str) -> list:
    return _rows(session, _OPEN_TASKS, instance_id)


def active_jobs(session, instance_id: str) -> list:
    return _rows(session, _ACTIVE_JOBS, instance_id)


def subscriptions(session, instance_id: str) -> list:
    return _rows(session, _SUBSCRIPTIONS, instance_id)


# the tasks of one case (GET /api/tasks?business_key=…, the lookup after every step), one prebuilt statement per
# shape — in one locality or a subtree, of some groups or any — so a lookup builds and keys no SQL (task_query's rows)
_CASE_TASKS: dict[tuple[bool, bool], sa.Select] = {}


def _case_tasks_statement(leaf: bool, grouped: bool) -> sa.Select:
    found = _CASE_TASKS.get((leaf, grouped))
    if found is None:
        scope = (sa.and_(HumanTask.locality_path == sa.bindparam("leaf_path"),
                         HumanTask.locality == sa.bindparam("leaf")) if leaf
                 else HumanTask.locality_path.like(sa.bindparam("scope_like")))
        q = sa.select(HumanTask.__table__).where(scope, HumanTask.status == "open")   # rows, not ORM objects
        if grouped:
            q = q.where(sa.exists().where(HumanTaskGroup.task_id == HumanTask.id,
                                          HumanTaskGroup.group.in_(sa.bindparam("groups", expanding=True))))
        q = q.where(HumanTask.business_key == sa.bindparam("business_key"))
        found = _CASE_TASKS[(leaf, grouped)] = (q.order_by(*TASK_ORDER.clauses())
                                                .limit(sa.bindparam("limit")).offset(sa.bindparam("offset")))
    return found


def _case_tasks(session, scope_like: str, leaf, groups, business_key: str, size: int, page_no: int) -> dict:
    """task_page of one business key, with no other filter and no cursor: what seek_page gives for task_query."""
    leaf_path = scope_like[:-1] if leaf and scope_like.endswith("%") and "%" not in scope_like[:-1] else None
    params = {"business_key": business_key, "limit": size + 1, "offset": (page_no - 1) * size}
    params.update({"leaf_path": leaf_path, "leaf": leaf} if leaf_path else {"scope_like": scope_like})
    if groups is not None:
        params["groups"] = list(groups)
    statement = _case_tasks_statement(leaf_path is not None, groups is not None)
    rows = session.connection().execute(statement, params).all()
    more_rows = len(rows) > size
    rows = rows[:size]
    total, capped = _total_from_page(rows, more_rows, size, page_no, None), False
    if total is None:
        total, capped = bounded_count(session, task_query(scope_like, groups=groups, business_key=business_key,
                                                          leaf=leaf), max(COUNT_CAP, page_no * size + 1))
    return {"rows": rows, "total": total, "total_capped": capped,
            "next": TASK_ORDER.encode(rows[-1]) if more_rows and rows else None}


def instance_detail(session, row: Instance) -> dict:
    """The case's open tasks, active jobs, message subscriptions and history (read-only rows)."""
    return {"instance": row, "tasks": open_tasks(session, row.id), "jobs": active_jobs(session, row.id),
            "subscriptions": subscriptions(session, row.id), "history": _rows(session, _HISTORY, row.id)}


# {database engine: {definition id: version}}: a deployed definition is never changed nor deleted (a newer one
# retires it), so its version is read once per process
_definition_versions: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def definition_version(session, definition_id) -> int | None:
    """The version of a deployed definition (read once, without its content)."""
    known = _definition_versions.setdefault(session.get_bind(), {})
    if definition_id not in known:
        version = session.scalar(_DEFINITION_VERSION, {"definition_id": definition_id})
        if version is None:
            return None
        known[definition_id] = version
    return known[definition_id]


def variables_of(engine, session, row: Instance) -> dict:
    """The case's current variables (the data of its latest task), for the whole-record view."""
    from .jsonable import jsonable

    def latest_data(wf):
        task = wf.last_task or wf.task_tree
        for t in wf.get_tasks():
            if t.task_spec.manual and t.state == 16:  # READY user tasks carry the freshest data
                task = t
        return jsonable(task.data)

    return engine.read_case(session, row.id, latest_data, row=row)


def task_data(engine, session, task: HumanTask) -> dict:
    """The data of an open task, read from the case's workflow without taking it from the next command."""
    from uuid import UUID

    from .jsonable import jsonable
    task_uuid = UUID(task.id)

    def data_of(wf):
        t = wf.get_task_from_id(task_uuid)
        return jsonable(t.data) if t is not None else {}

    return engine.read_case(session, task.instance_id, data_of)


# {runtime: {form definition id: its JSON text}}: a deployed definition's content never changes (as the runtime's
# parsed decisions and specs, keyed by definition id), so a form is read from the database once per process
_form_texts: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def form_for(engine, session, form_ref: str | None, locality: str, seq: int | None = None) -> dict | None:
    """The form ``form_ref`` in force for ``locality`` at deployment ``seq`` (default: the latest), a fresh dict."""
    if not form_ref:
        return None
    if seq is None:
        seq = engine.definitions.latest_seq(session)
    def_id = engine.definitions.resolve_id(session, "form", form_ref, locality, seq)
    if def_id is None:
        return None
    texts = _form_texts.setdefault(engine, {})
    text = texts.get(def_id)
    if text is None:
        d = session.get(Definition, def_id)
        if d is None:
            return None
        text = texts[def_id] = d.content
    return json.loads(text)


def incidents(session, scope_like: str):
    return sa.select(Job).where(Job.status == "incident", Job.locality_path.like(scope_like))


INCIDENT_ORDER = Order(("updated_at", Job.updated_at, True), ("id", Job.id, True))


def application_progress(engine, session, app: Application) -> dict:
    row = session.get(Instance, app.instance_id)
    if row is None:
        raise NotFound(f"the application {app.id} has no case")
    settings = engine.localities.settings(app.locality)
    catalog, notices = settings.get("items") or [], settings.get("item_notices") or {}
    stored = {i.item: i for i in _rows(session, _ITEMS, row.id)}
    items = []
    for entry in catalog:
        i = stored.get(entry["code"])
        items.append({"code": entry["code"], "name": entry.get("name", entry["code"]),
                      "department": entry.get("department") or (i.department if i else None),
                      "state": i.state if i else ("not_applicable" if row.status != "running" else "pending"),
                      "result": {**({"notice": notices[entry["code"]]} if entry["code"] in notices else {}),
                                 **(i.result if i else {})},
                      "completed_at": i.completed_at if i else None})
    for code, i in stored.items():
        if code not in {e["code"] for e in catalog}:
            items.append({"code": code, "name": code, "department": i.department, "state": i.state,
                          "result": i.result, "completed_at": i.completed_at})
    tasks, jobs, subs = open_tasks(session, row.id), active_jobs(session, row.id), subscriptions(session, row.id)
    nxt = next_steps(engine, session, row, tasks, jobs, subs)
    done = sum(1 for i in items if i["state"] == "done")
    return {"application_id": app.id, "business_key": app.business_key, "status": row.status,
            "locality": app.locality, "items": items, "items_done": done, "items_total": len(items),
            "next": nxt, "updated_at": row.updated_at}


def completions(session, scope_like: str, start: datetime, end: datetime):
    q = (sa.select(Item.department, Item.item, Item.locality, sa.func.count())
         .where(Item.state == "done", Item.locality_path.like(scope_like), Item.completed_at >= start,
                Item.completed_at < end)
         .group_by(Item.department, Item.item, Item.locality)
         .order_by(Item.department, Item.item, Item.locality))
    return [{"department": d, "item": i, "locality": loc, "completed": n} for d, i, loc, n in session.execute(q)]


def outbox(session, scope_like: str, *, whole_tree: bool = False, business_key=None, page_no: int = 1, size: int = 50):
    """SMS outbox rows of the cases whose locality path matches ``scope_like`` (each SMS carries its case's business
    key), newest first. A row of no case is seen only with ``whole_tree`` (a caller at the root of the tree)."""
    from handlers.ledger.schema import sms_outbox

    q = sa.select(sms_outbox)
    if not whole_tree:
        q = q.where(sa.exists().where(Instance.business_key == sms_outbox.c.business_key,
                                      Instance.locality_path.like(scope_like)))
    if business_key:
        q = q.where(sms_outbox.c.business_key == business_key)
    total = session.scalar(sa.select(sa.func.count()).select_from(q.subquery()))
    rows = session.execute(q.order_by(sms_outbox.c.id.desc()).limit(size).offset((page_no - 1) * size)).mappings().all()
    return rows, total


def audit_query(scope_like: str, *, actor=None, instance_id=None, action=None, resource=None, start=None, end=None,
                before_id=None):
    """Audit rows of a locality subtree, newest first (the (locality_path, id) index serves scope and order)."""
    q = sa.select(AuditEvent).where(AuditEvent.locality_path.like(scope_like))
    if actor:
        q = q.where(AuditEvent.username == actor)
    if instance_id:
        q = q.where(AuditEvent.instance_id == instance_id)
    if action:
        q = q.where(AuditEvent.action == action)
    if resource:
        q = q.where(AuditEvent.resource == resource)
    if start:
        q = q.where(AuditEvent.at >= start)
    if end:
        q = q.where(AuditEvent.at < end)
    if before_id:
        q = q.where(AuditEvent.id < before_id)
    return q.order_by(AuditEvent.id.desc())


# --- single records and small lookups the views need (views stay thin: parse, check scope, call, shape) ---

def definition(session, definition_id) -> Definition | None:
    return session.get(Definition, definition_id)


def instance(session, instance_id) -> Instance | None:
    return session.get(Instance, instance_id)


def instance_by_id_or_key(session, ident: str) -> Instance | None:
    """A case by its id, else by its business key (the unique-looking text a citizen is given)."""
    return session.get(Instance, ident) or session.scalar(sa.select(Instance).where(Instance.business_key == ident)
                                                          .order_by(Instance.started_at.desc()).limit(1))


_TASK = sa.select(_tasks_t).where(_tasks_t.c.id == sa.bindparam("task_id"))


def task(session, task_id):
    """One task as a read-only row (its columns by attribute), or None."""
    return session.connection().execute(_TASK, {"task_id": str(task_id)}).first()


def job(session, job_id) -> Job | None:
    return session.get(Job, job_id)


def locality(session, code: str):
    from .store.models import Locality
    return session.get(Locality, code)


def localities(session, codes) -> list:
    from .store.models import Locality
    return session.scalars(sa.select(Locality).where(Locality.code.in_(sorted(codes))).order_by(Locality.path)).all()


def application_by_id_or_key(session, ident: str) -> Application | None:
    return session.get(Application, ident) or session.scalar(
        sa.select(Application).where(Application.business_key == ident))


def recent_applications(session, scope_like: str, limit: int = 200) -> list[Application]:
    return session.scalars(sa.select(Application).where(Application.locality_path.like(scope_like))
                           .order_by(Application.created_at.desc()).limit(limit)).all()


def case_departments(session, instance_id: str) -> set[str]:
    """Every department that had a task (open or done) or a joint item in the case."""
    groups = session.scalars(sa.select(HumanTaskGroup.group).join(HumanTask, HumanTask.id == HumanTaskGroup.task_id)
                             .where(HumanTask.instance_id == instance_id)).all()
    items = session.scalars(sa.select(Item.department).where(Item.instance_id == instance_id)).all()
    return set(groups) | set(items)


def department_works_on(session, instance_id: str, groups) -> bool:
    """Whether one of the departments has (or had) a task in the case, or one of its joint items is theirs."""
    groups = list(groups or [])
    if not groups:
        return False
    has_task = session.scalar(
        sa.select(sa.func.count()).select_from(HumanTaskGroup)
        .join(HumanTask, HumanTask.id == HumanTaskGroup.task_id)
        .where(HumanTask.instance_id == instance_id, HumanTaskGroup.group.in_(groups)))
    if has_task:
        return True
    return bool(session.scalar(sa.select(sa.func.count()).select_from(Item)
                               .where(Item.instance_id == instance_id, Item.department.in_(groups))))


def running_case_localities(session, business_key: str, locality: str | None) -> list[str]:
    """The localities of the running cases with this business key (under ``locality`` when given)."""
    query = sa.select(Instance.locality).where(Instance.business_key == business_key, Instance.status == "running")
    if locality:
        query = query.where(Instance.locality_path.like(f"%/{locality}/%"))
    return sorted(set(session.scalars(query)))


def instance_ids_of_definition(session, definition_id: int, scope_like: str, only=None) -> list[str]:
    """The cases of one definition version in a subtree (only those named in ``only`` when given)."""
    q = sa.select(Instance.id).where(Instance.definition_id == definition_id, Instance.locality_path.like(scope_like))
    if only is not None:
        q = q.where(Instance.id.in_(only))
    return list(session.scalars(q))


def definition_query(localities=None, *, locality=None, key=None, kind=None):
    """Deployed definitions (of ``localities`` when given), by locality, kind, key, newest version first."""
    q = sa.select(Definition)
    if localities is not None:
        q = q.where(Definition.locality.in_(sorted(localities)))
    if locality:
        q = q.where(Definition.locality == locality)
    if key:
        q = q.where(Definition.key == key)
    if kind:
        q = q.where(Definition.kind == kind)
    return q.order_by(Definition.locality, Definition.kind, Definition.key, Definition.version.desc())


def latest_heartbeat(session):
    """Checks the database answers, and returns the newest worker heartbeat (None without one)."""
    from .store.models import WorkerHeartbeat
    session.execute(sa.text("SELECT 1"))
    return session.scalar(sa.select(sa.func.max(WorkerHeartbeat.beat_at)))


def drafts(session, locality_code: str) -> list:
    from .store.models import Draft
    return session.scalars(sa.select(Draft).where(Draft.locality == locality_code).order_by(Draft.file_name)).all()


def draft(session, draft_id):
    from .store.models import Draft
    return session.get(Draft, draft_id)


def draft_of(session, locality_code: str, file_name: str):
    from .store.models import Draft
    return session.scalar(sa.select(Draft).where(Draft.locality == locality_code, Draft.file_name == file_name))


def user(session, username: str):
    from .store.models import User
    return session.scalar(sa.select(User).where(User.username == username))


def users(session) -> list:
    from .store.models import User
    return session.scalars(sa.select(User).order_by(User.username)).all()


_CASE_OF = {"instance": (Instance, "id", "locality"), "task": (HumanTask, "instance_id", "locality"),
            "application_progress": (Application, "instance_id", "locality"),
            "application": (Application, "instance_id", "locality"), "incident": (Job, "instance_id", "locality")}


def case_of(session, resource: str, resource_id) -> tuple[str | None, str | None]:
    """(instance id, locality) of an audited record, (None, None) for a resource that belongs to no case."""
    known = _CASE_OF.get(resource)
    if not known:
        return None, None
    model, case_attr, loc_attr = known
    try:
        row = session.get(model, int(resource_id) if model is Job else str(resource_id))
    except ValueError:
        return None, None
    return (getattr(row, case_attr), getattr(row, loc_attr)) if row is not None else (None, None)
