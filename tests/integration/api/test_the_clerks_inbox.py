"""A clerk's task list (GET /api/tasks) is read from the inbox table: their groups' open tasks of their locality,
due first, undated last, page by page by cursor, a task of two of their groups once; another locality's task never
shows, and a task that is completed, cancelled or moved on to another group's step leaves every inbox at once."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.store.models import HumanTask, HumanTaskGroup, InboxEntry

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_inbox_probe" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="inbox_probe" name="收件箱探针" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_accept" />
    <bpmn:userTask id="Task_accept" name="受理" camunda:candidateGroups="hrss,social_insurance" camunda:dueDate="${due}" />
    <bpmn:boundaryEvent id="Event_withdrawn" attachedToRef="Task_accept">
      <bpmn:messageEventDefinition messageRef="Message_withdrawn" />
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_accept" targetRef="Task_check" />
    <bpmn:userTask id="Task_check" name="核对医保" camunda:candidateGroups="medical_insurance" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_check" targetRef="EndEvent_1" />
    <bpmn:sequenceFlow id="f4" sourceRef="Event_withdrawn" targetRef="Task_refund" />
    <bpmn:userTask id="Task_refund" name="退回公积金" camunda:candidateGroups="housing_fund" />
    <bpmn:sequenceFlow id="f5" sourceRef="Task_refund" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
  <bpmn:message id="Message_withdrawn" name="withdrawn" />
</bpmn:definitions>
"""
ZONGYANG, CITY, JILIN = "340722", "340700", "220000"


def _deploy(eng):
    eng.deploy("000000", [DefinitionFile("inbox_probe.bpmn", PROBE)], "test", "inbox probe")


def _case(eng, key: str, locality: str = ZONGYANG, due_days: int | None = None) -> str:
    due = None if due_days is None else (eng.runtime.now() + timedelta(days=due_days)).date().isoformat()
    return eng.start("inbox_probe", locality, key, {"due": due}, "test")


def _walk(client, headers, size: int, **filters) -> tuple[list[dict], list[dict]]:
    """(every task of the list page by page by cursor, the pages' bodies)."""
    items, pages, after = [], [], None
    while True:
        rv = client.get("/api/tasks", headers=headers,
                        query_string={"page_size": size, **filters, **({"after": after} if after else {})})
        assert rv.status_code == 200, rv.json
        pages.append(rv.json)
        items += rv.json["items"]
        after = rv.json["next"]
        if after is None:
            return items, pages


def _keys(items) -> list[str]:
    return [t["business_key"] for t in items]


def _inbox_matches_open_tasks(eng) -> None:
    """The table itself: exactly one row per (open task, candidate group), none of a closed task."""
    with eng.runtime.reading() as s:
        inbox = set(s.execute(sa.select(InboxEntry.task_id, InboxEntry.group)).all())
        open_pairs = set(s.execute(sa.select(HumanTaskGroup.task_id, HumanTaskGroup.group)
                                   .join(HumanTask, HumanTask.id == HumanTaskGroup.task_id)
                                   .where(HumanTask.status == "open")).all())
    assert inbox == open_pairs


def test_a_clerk_pages_their_countys_tasks_by_cursor_due_first_undated_last_each_task_once(eng, client, login):
    _deploy(eng)
    dues = [5, None, 1, 3, None, 1, 8, 2, 0, None, 4, 6]
    for i, d in enumerate(dues):
        _case(eng, f"ZY-{i:02d}", due_days=d)
    items, pages = _walk(client, login("zy_hrss"), 5)
    assert sorted(_keys(items)) == sorted(f"ZY-{i:02d}" for i in range(len(dues))), \
        "each task once, though it is in both of the clerk's groups"
    dated = [t["due_at"] for t in items if t["due_at"] is not None]
    assert dated == sorted(dated) and all(t["due_at"] is None for t in items[len(dated):])
    assert len(dated) == 9 and [len(p["items"]) for p in pages] == [5, 5, 2]
    assert all(p["total"] == 12 and p["total_capped"] is False for p in pages)
    whole = client.get("/api/tasks", headers=login("zy_hrss"), query_string={"page_size": 50}).json["items"]
    assert [t["id"] for t in whole] == [t["id"] for t in items], "cursor pages keep the one-page order"
    page2 = client.get("/api/tasks", headers=login("zy_hrss"), query_string={"page_size": 5, "page": 2}).json
    assert [t["id"] for t in page2["items"]] == [t["id"] for t in items[5:10]]


def test_filtering_by_one_group_or_a_due_date_pages_the_same_inbox(eng, client, login):
    _deploy(eng)
    for i, d in enumerate([1, 9, None, 2, 30, 3]):
        _case(eng, f"ZY-{i}", due_days=d)
    headers = login("zy_hrss")
    by_group, _ = _walk(client, headers, 2, group="social_insurance")
    assert len(by_group) == 6
    due_before = (eng.runtime.now() + timedelta(days=5)).isoformat()
    soon, pages = _walk(client, headers, 2, due_before=due_before)
    assert _keys(soon) == ["ZY-0", "ZY-3", "ZY-5"] and pages[0]["total"] == 3
    assert _walk(client, login("zy_medical"), 2)[0] == [], "no step of these cases is the medical office's yet"
    rv = client.get("/api/tasks", headers=login("zy_medical"), query_string={"group": "hrss"})
    assert rv.status_code == 403, "a clerk cannot page another department's inbox by naming its group"


def test_another_localitys_tasks_never_appear_in_a_county_clerks_inbox(eng, client, login):
    _deploy(eng)
    mine = [_case(eng, f"ZY-{i}", due_days=i) for i in range(3)]
    _case(eng, "CITY-0", CITY, due_days=0)      # the county's own parent: a prefix of its path, not inside it
    _case(eng, "JL-0", JILIN, due_days=0)
    _case(eng, "JL-1", JILIN)
    zy, _ = _walk(client, login("zy_hrss"), 2)
    assert _keys(zy) == ["ZY-0", "ZY-1", "ZY-2"] and {t["instance_id"] for t in zy} == set(mine)
    for group in ("hrss", "social_insurance"):
        assert _keys(_walk(client, login("zy_hrss"), 50, group=group)[0]) == ["ZY-0", "ZY-1", "ZY-2"]
    jl, pages = _walk(client, login("jl_hrss"), 1)
    assert sorted(_keys(jl)) == ["JL-0", "JL-1"] and pages[0]["total"] == 2
    every, pages = _walk(client, login("admin"), 2, group="hrss")   # the whole tree: every locality's, due first
    assert sorted(_keys(every)[:3]) == ["CITY-0", "JL-0", "ZY-0"] and _keys(every)[-1] == "JL-1"
    assert sorted(_keys(every)) == ["CITY-0", "JL-0", "JL-1", "ZY-0", "ZY-1", "ZY-2"] and pages[0]["total"] == 6
    assert client.get("/api/tasks", headers=login("zy_hrss"), query_string={"locality": JILIN}).status_code == 403
    assert client.get("/api/tasks", headers=login("zy_hrss"), query_string={"locality": CITY}).status_code == 403
    # a cursor names a position, not a locality: one taken from Jilin's list still shows only Zongyang's tasks
    jl_cursor = client.get("/api/tasks", headers=login("jl_hrss"), query_string={"page_size": 1}).json["next"]
    rv = client.get("/api/tasks", headers=login("zy_hrss"), query_string={"after": jl_cursor, "page_size": 50})
    assert rv.status_code == 200 and set(_keys(rv.json["items"])) <= {"ZY-0", "ZY-1", "ZY-2"}


def test_a_completed_task_or_one_whose_case_moved_to_another_group_leaves_the_inbox(eng, client, login):
    _deploy(eng)
    done, withdrawn, cancelled, kept = (_case(eng, f"ZY-{i}", due_days=i) for i in range(4))
    hrss, medical, housing = login("zy_hrss"), login("zy_medical"), login("zy_housing")
    first = {t["business_key"]: t for t in _walk(client, hrss, 2)[0]}
    assert sorted(first) == ["ZY-0", "ZY-1", "ZY-2", "ZY-3"]

    rv = client.post(f"/api/tasks/{first['ZY-0']['id']}/complete", headers=hrss, json={"data": {}})
    assert rv.status_code == 200, rv.json
    eng.deliver_message("withdrawn", "ZY-1", {}, locality=ZONGYANG)
    rv = client.post(f"/api/instances/{cancelled}/cancel", headers=login("admin"), json={"reason": "撤回"})
    assert rv.status_code == 200, rv.json

    items, pages = _walk(client, hrss, 2)
    assert _keys(items) == ["ZY-3"] and pages[0]["total"] == 1
    assert _walk(client, hrss, 2, group="social_insurance")[0] == items
    assert [(t["business_key"], t["activity_id"]) for t in _walk(client, medical, 2)[0]] == [("ZY-0", "Task_check")]
    assert [(t["business_key"], t["activity_id"]) for t in _walk(client, housing, 2)[0]] == [("ZY-1", "Task_refund")]
    _inbox_matches_open_tasks(eng)

    rv = client.post(f"/api/tasks/{items[0]['id']}/complete", headers=hrss, json={"data": {}})
    assert rv.status_code == 200, rv.json
    check = _walk(client, medical, 1)[0]
    assert sorted(_keys(check)) == ["ZY-0", "ZY-3"] and _walk(client, hrss, 2)[0] == []
    for t in check:  # the case ends: nothing of it is left in any inbox
        assert client.post(f"/api/tasks/{t['id']}/complete", headers=medical, json={"data": {}}).status_code == 200
    assert _walk(client, medical, 5)[0] == []
    _inbox_matches_open_tasks(eng)
    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(InboxEntry)) == 1  # ZY-1's refund, still open
