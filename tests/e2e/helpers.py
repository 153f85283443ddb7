"""What a test does in place of people and the worker: tick the worker, find a task, complete it over HTTP."""
from __future__ import annotations

import threading
from datetime import datetime

from engine.clock import SHANGHAI

_lock = threading.Lock()


def tick(eng) -> None:
    """One worker round, as `retire worker` runs it: timer start events, then every due job."""
    from api.worker import tick as worker_tick

    worker_tick(eng, _lock)


def at(clock, eng, text: str) -> None:
    """Move the fake clock to a Beijing time and let the worker catch up."""
    clock.set(datetime.fromisoformat(text).replace(tzinfo=SHANGHAI))
    tick(eng)


def tasks(client, headers, **params) -> list[dict]:
    rv = client.get("/api/tasks", headers=headers, query_string=params)
    assert rv.status_code == 200, rv.json
    return rv.json["items"]


def the_task(client, headers, activity_id: str, business_key: str | None = None) -> dict:
    params = {"business_key": business_key} if business_key else {}
    found = [t for t in tasks(client, headers, **params) if t["activity_id"] == activity_id]
    assert len(found) == 1, f"expected one open {activity_id}, got {[t['activity_id'] for t in tasks(client, headers, **params)]}"
    return found[0]


def complete(client, headers, task: dict, data: dict) -> dict:
    rv = client.post(f"/api/tasks/{task['id']}/complete", headers=headers, json={"data": data})
    assert rv.status_code == 200, rv.json
    return rv.json


def progress(client, headers, application_id: str) -> dict:
    rv = client.get(f"/api/applications/{application_id}/progress", headers=headers)
    assert rv.status_code == 200, rv.json
    return rv.json


def item_states(prog: dict) -> dict:
    return {i["code"]: i["state"] for i in prog["items"]}


def beijing_day(instant: str) -> str:
    """The civil date in China of an ISO instant the API returns (stored in UTC)."""
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(SHANGHAI).date().isoformat()


def receive_at_the_housing_window(client, headers, business_key: str) -> dict:
    """The housing-fund centre's clerk receives a person booked offline: came, identity checked, paid to the card
    on file (processes/*/retirement.bpmn Task_hf_reception)."""
    return complete(client, headers, the_task(client, headers, "Task_hf_reception", business_key),
                    {"reception_outcome": "came", "identity_checked": True, "pay_to_card_on_file": True})


def file_application(client, headers, locality: str, data: dict) -> tuple[str, str]:
    """File the one application (申请表) → (application id, business key)."""
    rv = client.post("/api/applications", headers=headers, json={"locality": locality, "data": data})
    assert rv.status_code == 201, rv.json
    return rv.json["id"], rv.json["business_key"]


def jilin_to_launch(client, login, eng, clock, business_key: str) -> None:
    """Jilin after the declaration: pre-review, contribution check and the employer's look at the findings; then
    the 吉事办 launch on 1 September 2027."""
    hrss, employer = login("jl_hrss"), login("jl_employer")
    complete(client, hrss, the_task(client, hrss, "Task_prereview", business_key),
             {"file_reviewed": True, "prereview_result": "pass"})
    tick(eng)
    complete(client, employer, the_task(client, employer, "Task_employer_ack", business_key),
             {"contribution_findings_read": True})
    tick(eng)
    at(clock, eng, "2027-09-01T08:30:00")
    rv = client.post("/api/messages", headers=login("jishiban"),
                     json={"name": "formal_launch", "business_key": business_key, "locality": "220000", "payload": {}})
    assert rv.status_code == 200, rv.json
    tick(eng)
