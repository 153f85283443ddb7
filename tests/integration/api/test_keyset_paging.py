"""Lists page by a cursor (``after`` = the previous page's ``next``): every row once, even while new rows arrive,
and totals that stop counting at a cap instead of scanning a million rows."""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from datetime import timedelta

from engine import queries
from engine.runtime.inbox import mirror_inbox
from engine.store.models import Definition, HumanTask, HumanTaskGroup, Instance, Job

ZY_PATH = "/000000/340000/340700/340722/"


def _case(s, now) -> str:
    case = s.get(Instance, "probe-case")
    if case is None:
        definition = s.scalars(sa.select(Definition.id).limit(1)).first()
        s.add(Instance(id="probe-case", process_key="probe", definition_id=definition, snapshot_seq=0,
                       locality="340722", locality_path=ZY_PATH, business_key="BK", state="{}", started_at=now,
                       updated_at=now))
        s.flush()
    return "probe-case"


def _tasks(eng, n: int, *, group: str = "hrss", start: int = 0) -> list[str]:
    """n open tasks of Zongyang for ``group``: some share a due date, some have none (they come last)."""
    now = eng.runtime.now()
    ids, opened = [], []
    with eng.runtime.transaction() as s:
        case = _case(s, now)
        for i in range(start, start + n):
            tid = str(uuid.UUID(int=i + 1))
            due = None if i % 7 == 0 else now + timedelta(days=i % 5)
            opened.append(HumanTask(id=tid, instance_id=case, process_key="probe", activity_id="a", name=f"task {i}",
                            business_key=f"BK-{i}", locality="340722", locality_path=ZY_PATH,
                            candidate_groups=[group], due_at=due, status="open", summary={},
                            created_at=now - timedelta(minutes=i % 3)))
            s.add(opened[-1])
            s.flush()
            s.add(HumanTaskGroup(task_id=tid, group=group))
            ids.append(tid)
        # as the mirror of the case's wait states does for the tasks it opens: their rows in the clerks' inbox
        mirror_inbox(s, case, s.scalars(sa.select(HumanTask.id).where(HumanTask.instance_id == case,
                                                                       HumanTask.status == "open")), opened)
    return ids


def _walk(client, headers, url: str, size: int, between=None) -> list[str]:
    seen, after = [], None
    while True:
        rv = client.get(url, headers=headers, query_string={"page_size": size, **({"after": after} if after else {})})
        assert rv.status_code == 200, rv.json
        seen += [t["id"] for t in rv.json["items"]]
        after = rv.json["next"]
        if after is None:
            return seen
        if between:
            between()


def test_a_clerk_walking_the_inbox_by_cursor_sees_every_task_exactly_once(eng, client, login):
    first = _tasks(eng, 40)
    _tasks(eng, 5, group="medical_insurance", start=1000)  # another department's: never in the hrss inbox
    seen = _walk(client, login("zy_hrss"), "/api/tasks", 7)
    assert sorted(seen) == sorted(first) and len(seen) == len(set(seen))


def test_tasks_arriving_while_a_clerk_pages_never_make_a_task_show_twice_or_be_skipped(eng, client, login):
    before = _tasks(eng, 30)
    arrivals = iter(range(100, 160, 6))
    seen = _walk(client, login("zy_hrss"), "/api/tasks", 5, between=lambda: _tasks(eng, 6, start=next(arrivals, 200)))
    assert len(seen) == len(set(seen)), "no task twice"
    assert set(before) <= set(seen), "every task that was there when paging began"


def test_the_cursor_pages_keep_the_inbox_order_undated_tasks_last(eng, client, login):
    _tasks(eng, 20)
    headers = login("zy_hrss")
    whole = client.get("/api/tasks", headers=headers, query_string={"page_size": 100}).json["items"]
    assert [t["id"] for t in whole] == _walk(client, headers, "/api/tasks", 3)
    assert all(t["due_at"] is None for t in whole[-3:]) and whole[0]["due_at"] is not None


def test_page_numbers_still_work_and_say_where_the_next_page_starts(eng, client, login):
    _tasks(eng, 12)
    headers = login("zy_hrss")
    p1 = client.get("/api/tasks", headers=headers, query_string={"page_size": 5}).json
    p2 = client.get("/api/tasks", headers=headers, query_string={"page_size": 5, "page": 2}).json
    by_cursor = client.get("/api/tasks", headers=headers, query_string={"page_size": 5, "after": p1["next"]}).json
    assert p1["total"] == 12 and p1["total_capped"] is False
    assert [t["id"] for t in p2["items"]] == [t["id"] for t in by_cursor["items"]]


def test_a_forged_cursor_is_a_422_naming_after(eng, client, login):
    rv = client.get("/api/tasks", headers=login("zy_hrss"), query_string={"after": "bm90LWEtY3Vyc29y"})
    assert rv.status_code == 422 and "after" in str(rv.json["errors"])


def test_totals_stop_counting_at_the_cap_and_say_there_are_more(eng, client, login, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 10)
    _tasks(eng, 25)
    body = client.get("/api/tasks", headers=login("zy_hrss"), query_string={"page_size": 5}).json
    assert body["total"] == 10 and body["total_capped"] is True and len(body["items"]) == 5
    last = client.get("/api/tasks", headers=login("zy_hrss"), query_string={"page_size": 5, "page": 5}).json
    assert last["total"] == 25 and last["total_capped"] is False, "counted just past the page asked for"


def test_incidents_page_by_cursor_newest_first(eng, client, login):
    now = eng.runtime.now()
    with eng.runtime.transaction() as s:
        case = _case(s, now)
        for i in range(9):
            s.add(Job(instance_id=case, task_id=str(uuid.uuid4()), kind="service", topic="probe", activity_id="x",
                      activity_name="x", locality="340722", locality_path=ZY_PATH, due_at=now, status="incident",
                      attempts=3, max_attempts=3, payload={}, created_at=now, updated_at=now - timedelta(minutes=i % 4)))
    seen = _walk(client, login("admin"), "/api/incidents", 4)
    assert len(seen) == 9 == len(set(seen))
