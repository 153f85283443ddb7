"""The operator's console over HTTP: the dashboard of a subtree, incidents with their trace and a retry of many, a
case's diagram with the elements it waits in, the path it took and the failed element, and a stale worker said."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from engine.store.models import Job, WorkerHeartbeat
from tests.e2e.helpers import at, tick
from tests.support.people import application_data, person


def _failing_case(eng, clock, client, login, roster):
    """A Zongyang application whose first service call fails every attempt: one incident."""
    wang = roster(person(county="340722", born=date(1966, 12, 4), name="王建国", phone="13912345678"))
    community = login("zy_community")
    at(clock, eng, "2027-05-06T10:00:00")
    broken = {}  # the departments' systems are down before the application comes (service calls run at once)
    for topic, handler in list(eng.runtime.handlers.items()):
        def fail(ctx, _topic=topic):
            raise ConnectionError(f"{_topic} system unreachable")
        broken[topic] = handler
        eng.runtime.handlers[topic] = fail
    rv = client.post("/api/applications", headers=community,
                     json={"locality": "340722", "data": application_data(wang, channel="community")})
    assert rv.status_code == 201, rv.json
    for _ in range(4):
        clock.advance(hours=1)
        tick(eng)
    return rv.json, broken


def test_the_dashboard_shows_an_incident_the_running_case_and_the_job_queue(eng, clock, client, login, roster):
    _failing_case(eng, clock, client, login, roster)
    rv = client.get("/api/console/dashboard", headers=login("admin"))
    assert rv.status_code == 200, rv.json
    board = rv.json
    print(board)
    assert board["open_incidents"] >= 1
    assert any(r["locality"] == "340722" and r["running"] >= 1 for r in board["running"])
    assert "oldest_due_age_seconds" in board["jobs"]


def test_an_incident_shows_its_error_and_the_stack_s_last_lines_and_many_are_retried_at_once(
        eng, clock, client, login, roster):
    _app, broken = _failing_case(eng, clock, client, login, roster)
    admin = login("admin")
    items = client.get("/api/incidents", headers=admin).json["items"]
    assert items and items[0]["error"].endswith("system unreachable")
    assert items[0]["trace_tail"] and "ConnectionError" in items[0]["trace_tail"][-1]
    assert items[0]["business_key"]
    eng.runtime.handlers.update(broken)
    ids = [i["id"] for i in items]
    rv = client.post("/api/incidents/retry", headers=admin, json={"job_ids": ids + ids[:1]})
    assert rv.status_code == 200, rv.json
    assert rv.json["retried"] == len(ids) and {r["outcome"] for r in rv.json["results"]} == {"retried"}
    again = client.post("/api/incidents/retry", headers=admin, json={"job_ids": ids})
    assert {r["outcome"] for r in again.json["results"]} == {"not_open"}, "a second retry says it is not open"
    tick(eng)
    assert client.get("/api/incidents", headers=admin).json["total"] == 0


def test_retrying_many_refuses_the_whole_batch_when_one_id_is_not_an_incident_of_the_caller(
        eng, clock, client, login, roster):
    _failing_case(eng, clock, client, login, roster)
    admin = login("admin")
    ids = [i["id"] for i in client.get("/api/incidents", headers=admin).json["items"]]
    rv = client.post("/api/incidents/retry", headers=admin, json={"job_ids": ids + [999999]})
    assert rv.status_code == 404 and "999999" in str(rv.json["errors"])
    assert client.get("/api/incidents", headers=admin).json["total"] == len(ids), "nothing was retried"
    assert client.post("/api/incidents/retry", headers=login("auditor"), json={"job_ids": ids}).status_code == 403


def test_the_case_diagram_marks_the_failed_element_the_path_taken_and_each_called_process(
        eng, clock, client, login, roster):
    app, broken = _failing_case(eng, clock, client, login, roster)
    admin = login("admin")
    incident = client.get("/api/incidents", headers=admin).json["items"][0]
    rv = client.get(f"/api/instances/{incident['instance_id']}/diagram", headers=admin)
    assert rv.status_code == 200, rv.json
    views = {v["id"]: v for v in rv.json["views"]}
    main = views["main"]
    assert main["xml"].lstrip().startswith("<") and "bpmndi" in main["xml"].lower()
    print({k: (v["process_key"], v["waiting"], v["failed"], len(v["completed"])) for k, v in views.items()})
    failed_in = [v for v in views.values() if incident["activity_id"] in v["failed"]]
    assert len(failed_in) == 1, "the failed element is marked in the diagram it is drawn in"
    assert incident["activity_id"] in failed_in[0]["waiting"]
    assert main["completed"], "the path taken so far"
    auditor = client.get(f"/api/instances/{incident['instance_id']}/diagram", headers=login("auditor"))
    assert auditor.status_code == 200
    assert client.get(f"/api/instances/{incident['instance_id']}/diagram",
                      headers=login("zy_hrss")).status_code == 403


def test_health_says_the_worker_is_stale_when_its_heartbeat_is_older_than_three_beats(eng, clock, client):
    from api.worker import heartbeat

    heartbeat(eng)
    assert client.get("/api/health").json["worker"] == "ok"
    clock.advance(seconds=31)
    rv = client.get("/api/health")
    assert rv.status_code == 200 and rv.json["worker"] == "stale" and rv.json["status"] == "stale"
    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(WorkerHeartbeat)) == 1


def test_a_failure_inside_a_called_process_is_marked_there_and_on_the_call_activity_of_the_main_process(
        eng, client, login, roster):
    from engine.definitions import DefinitionFile
    from engine.store.models import HumanTask
    from tests.integration.engine.subprocess_probes import FLEX_V1, JOINT_V1

    eng.deploy("000000", [DefinitionFile("probe_flexible.bpmn", FLEX_V1), DefinitionFile("probe_joint.bpmn", JOINT_V1)],
               "policy", "probe")
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=81))
    iid = eng.start("probe_joint", "340722", "BK-J81", {"id_number": p["id_number"], "name": p["name"]}, "test")
    for activity in ("Task_intake", "Task_flex_review"):
        with eng.runtime.reading() as s:
            task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
        assert task.activity_id == activity
        eng.complete_task(task.id, {}, "zy_hrss")
    eng.runtime.handlers["housing_fund.seal_account"] = lambda ctx: (_ for _ in ()).throw(ConnectionError("down"))
    for _ in range(4):
        with eng.runtime.transaction() as s:
            s.execute(sa.update(Job).where(Job.instance_id == iid, Job.status == "ready")
                      .values(due_at=eng.runtime.now() - timedelta(seconds=1)))
        eng.run_due_jobs()
    rv = client.get(f"/api/instances/{iid}/diagram", headers=login("admin"))
    assert rv.status_code == 200, rv.json
    main, *called = rv.json["views"]
    assert main["process_key"] == "probe_joint" and "Task_intake" in main["completed"]
    assert "Call_flex" in main["waiting"] and "Call_flex" in main["failed"]
    (flex,) = called
    assert flex["process_key"] == "probe_flexible"
    assert flex["called_from"] == {"view": "main", "activity_id": "Call_flex"}
    assert flex["failed"] == ["Task_flex_seal"] and "Task_flex_review" in flex["completed"]
    assert 'id="probe_flexible"' in flex["xml"]
