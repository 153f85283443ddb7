"""A case on the process a policy officer drew in Camunda Modeler (tests/fixtures/camunda_modeler), run
unchanged over HTTP: form task, external job, DMN, a `${...}` gateway, a literal `P1D` timer, SMS, end."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from lxml import etree

from engine.clock import SHANGHAI
from tests.support.people import person

from .helpers import at, complete, tasks, tick

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "camunda_modeler"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _ids_by_name() -> dict[str, str]:
    """The ids Camunda Modeler generated (Activity_…, Event_…), looked up by the names the officer typed."""
    root = etree.parse(str(FIXTURES / "retiree_medical_switch.bpmn")).getroot()
    return {el.get("name"): el.get("id") for el in root.iter() if el.get("name") and el.get("id")}


def _deploy(client, login) -> None:
    files = [{"name": p.name, "content": p.read_text(encoding="utf-8")}
             for p in sorted(FIXTURES.iterdir()) if p.suffix in (".bpmn", ".dmn", ".form")]
    rv = client.post("/api/definitions", headers=login("policy_zy"),
                     json={"locality": "340722", "note": "drawn in Camunda Modeler", "files": files})
    assert rv.status_code == 201, rv.json


def _start(client, headers, business_key: str) -> str:
    rv = client.post("/api/instances", headers=headers, json={
        "key": "retiree_medical_switch", "locality": "340722", "business_key": business_key, "variables": {}})
    assert rv.status_code == 201, rv.json
    return rv.json["id"]


def _instance(client, login, instance_id: str) -> dict:
    rv = client.get(f"/api/instances/{instance_id}", headers=login("admin"))
    assert rv.status_code == 200, rv.json
    return rv.json


def _intake(p: dict) -> dict:
    return {"name": p["name"], "id_number": p["id_number"], "phone": p["phone"], "sex": p["sex"],
            "retirement_date": "2027-06-01", "materials_verified": True}


def test_a_case_on_the_camunda_modeler_process_runs_from_the_form_task_through_the_timer_to_the_sms(
        eng, clock, client, login, roster):
    ids = _ids_by_name()
    _deploy(client, login)
    wang = roster(person(county="340722", born=date(1967, 5, 12), name="王建国", phone="13912345678"))
    medical = login("zy_medical")

    at(clock, eng, "2027-05-10T09:00:00")
    instance_id = _start(client, medical, "YB-340722-0001")
    tick(eng)

    # 1. the clerk of the candidate group sees the form task, due five days on (camunda:dueDate="P5D")
    found = [t for t in tasks(client, medical) if t["instance_id"] == instance_id]
    assert [t["activity_id"] for t in found] == [ids["医保窗口受理"]]
    task = found[0]
    assert task["form_ref"] == "retiree_medical_intake" and task["candidate_groups"] == ["medical_insurance"]
    due = datetime.fromisoformat(task["due_at"])
    assert due == datetime(2027, 5, 15, 9, 0, tzinfo=SHANGHAI)
    assert not [t for t in tasks(client, login("zy_hrss")) if t["instance_id"] == instance_id]

    # 2. the form as form-js wrote it is enforced: required fields, the ID check digit, the phone pattern
    wrong_check_digit = wang["id_number"][:-1] + ("1" if wang["id_number"][-1] == "0" else "0")
    bad = client.post(f"/api/tasks/{task['id']}/complete", headers=medical,
                      json={"data": {"name": "王建国", "id_number": wrong_check_digit, "phone": "12345", "sex": "male"}})
    assert bad.status_code == 422, bad.json
    errors = bad.json["errors"]["json"]
    assert set(errors) == {"id_number", "phone", "retirement_date", "materials_verified"}
    assert errors["phone"] == ["请输入11位手机号码"], "form-js's pattern error message"
    assert errors["retirement_date"] == ["退休日期为必填项"], "a datetime field is named by its dateLabel"
    complete(client, medical, task, _intake(wang))

    # 3. the external task runs as a job with the real handler; the DMN decides; the gateway routes to the timer
    detail = _instance(client, login, instance_id)
    assert [j["activity_id"] for j in detail["jobs"]] == [ids["核查医保缴费年限"]]
    tick(eng)
    detail = _instance(client, login, instance_id)
    assert detail["variables"]["medical"]["eligible"] is True
    assert detail["variables"]["medical_route"] == {"route": "switch_now"}
    assert detail["waiting_in"] == [{"activity_id": ids["次日医保系统同步后"], "name": "次日医保系统同步后",
                                     "type": "timer"}]
    timer_job = detail["jobs"][0]
    assert timer_job["kind"] == "timer"
    assert datetime.fromisoformat(timer_job["due_at"]) == datetime(2027, 5, 11, 9, 0, tzinfo=SHANGHAI)

    # 4. the literal P1D waits a day on the fake clock, then fires; the SMS job sends the completed notice
    at(clock, eng, "2027-05-11T08:59:00")
    assert _instance(client, login, instance_id)["status"] == "running"
    at(clock, eng, "2027-05-11T09:00:01")
    tick(eng)
    detail = _instance(client, login, instance_id)
    assert detail["status"] == "completed", detail["waiting_in"]
    assert detail["variables"]["sms"] == {"template": "completed", "status": "sent"}
    outbox = client.get("/api/notifications", headers=login("admin"), query_string={"page_size": 500}).json["items"]
    assert [n["phone"] for n in outbox if n["template"] == "completed"] == ["139****5678"]

    # 5. the history shows each step
    steps = [(h["kind"], h["activity_id"]) for h in detail["history"]]
    assert steps == [("started", None), ("task_completed", ids["医保窗口受理"]),
                     ("job_completed", ids["核查医保缴费年限"]), ("timer_fired", ids["次日医保系统同步后"]),
                     ("job_completed", ids["短信告知办结"]), ("completed", None)]
    fired = next(h for h in detail["history"] if h["kind"] == "timer_fired")
    assert datetime.fromisoformat(fired["at"]) >= datetime(2027, 5, 11, 9, 0, tzinfo=SHANGHAI)


def test_a_short_medical_record_takes_the_other_branch_of_the_gateway_and_ends_without_the_timer(
        eng, clock, client, login, roster):
    ids = _ids_by_name()
    _deploy(client, login)
    li = roster(person(county="340722", born=date(1967, 3, 2), name="李秀英", seq=41, medical_actual_months=100))
    medical = login("zy_medical")

    at(clock, eng, "2027-05-10T09:00:00")
    instance_id = _start(client, medical, "YB-340722-0002")
    task = next(t for t in tasks(client, medical) if t["instance_id"] == instance_id)
    complete(client, medical, task, _intake(li))
    tick(eng)

    detail = _instance(client, login, instance_id)
    assert detail["variables"]["medical"]["shortfall_months"] > 0
    assert detail["variables"]["medical_route"] == {"route": "top_up"}
    assert detail["status"] == "completed"
    assert [h["kind"] for h in detail["history"]] == ["started", "task_completed", "job_completed", "completed"]
    assert ids["次日医保系统同步后"] not in {h["activity_id"] for h in detail["history"]}
    assert not [n for n in client.get("/api/notifications", headers=login("admin")).json["items"]
                if n["template"] == "completed"], "no SMS on this branch"
