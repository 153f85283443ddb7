"""Clerks claiming one task at the same moment: exactly one holds it, every other is told who does."""
from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa

from api.demo import demo_password, ensure_user
from engine.store.models import HumanTask
from tests.support.people import person

CLERKS = [f"zy_clerk_{n:02d}" for n in range(20)]


def _open_task(eng, roster, probe) -> str:
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=61))
    iid = eng.start(probe, "340722", "BK-claim", {"id_number": p["id_number"], "name": p["name"],
                                                 "bank_card": p["bank_card"]}, "test")
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == iid, HumanTask.status == "open"))


def _tokens(eng, client) -> dict[str, dict]:
    headers = {}
    for name in CLERKS:
        ensure_user(eng, name, "clerk", "340722", ["hrss"], "枞阳县人社局经办")
        rv = client.post("/api/auth/token", json={"username": name, "password": demo_password("clerk")})
        assert rv.status_code == 200, rv.json
        headers[name] = {"Authorization": f"Bearer {rv.json['token']}"}
    return headers


def test_twenty_clerks_claiming_one_task_at_once_leave_exactly_one_holder_and_nineteen_409s(
        eng, client, roster, probe):
    task_id = _open_task(eng, roster, probe)
    headers = _tokens(eng, client)
    barrier, answers, lock = threading.Barrier(len(CLERKS)), {}, threading.Lock()

    def claim(name):
        own = client.application.test_client()  # each clerk has its own client and its own connection
        barrier.wait()
        rv = own.post(f"/api/tasks/{task_id}/claim", headers=headers[name])
        with lock:
            answers[name] = (rv.status_code, rv.json)

    threads = [threading.Thread(target=claim, args=(name,)) for name in CLERKS]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    winners = [name for name, (code, _body) in answers.items() if code == 200]
    assert len(winners) == 1, {n: c for n, (c, _b) in answers.items()}
    holder = winners[0]
    assert answers[holder][1]["assignee"] == holder
    losers = [body for name, (code, body) in answers.items() if name != holder]
    assert all(answers[n][0] == 409 for n in CLERKS if n != holder)
    for body in losers:
        assert body["code"] == 409 and body["status"] == "Conflict"
        assert holder in body["message"] and "认领" in body["message"], body
    with eng.runtime.reading() as s:
        assert s.get(HumanTask, task_id).assignee == holder


def test_a_claimed_task_can_be_given_back_only_by_its_holder_and_then_claimed_by_another(eng, client, roster, probe):
    task_id = _open_task(eng, roster, probe)
    headers = _tokens(eng, client)
    first, second = CLERKS[:2]
    assert client.post(f"/api/tasks/{task_id}/claim", headers=headers[first]).status_code == 200
    assert client.post(f"/api/tasks/{task_id}/claim", headers=headers[first]).status_code == 200, "claiming again is fine"
    rv = client.post(f"/api/tasks/{task_id}/unclaim", headers=headers[second])
    assert rv.status_code == 409 and first in rv.json["message"]
    assert client.post(f"/api/tasks/{task_id}/unclaim", headers=headers[first]).json["assignee"] is None
    assert client.post(f"/api/tasks/{task_id}/claim", headers=headers[second]).json["assignee"] == second


def test_claiming_a_completed_task_is_a_409_that_says_it_is_no_longer_open(eng, client, login, roster, probe):
    task_id = _open_task(eng, roster, probe)
    eng.complete_task(task_id, {"decision": "approve"}, "zy_hrss")
    rv = client.post(f"/api/tasks/{task_id}/claim", headers=login("zy_hrss"))
    assert rv.status_code == 409 and "no longer open" in rv.json["message"]


def test_a_completion_racing_claims_never_succeeds_on_a_task_another_clerk_was_told_is_theirs(
        eng, client, login, roster, probe):
    task_id = _open_task(eng, roster, probe)
    headers = _tokens(eng, client)
    claimants = CLERKS[:9]
    completer = login("zy_hrss")
    barrier, answers, lock = threading.Barrier(len(claimants) + 1), [], threading.Lock()

    def send(path, auth, body=None):
        own = client.application.test_client()
        barrier.wait()
        rv = own.post(path, headers=auth, json=body)
        with lock:
            answers.append((path.rsplit("/", 1)[-1], rv.status_code))

    threads = [threading.Thread(target=send, args=(f"/api/tasks/{task_id}/claim", headers[n])) for n in claimants]
    threads.append(threading.Thread(target=send, args=(f"/api/tasks/{task_id}/complete", completer,
                                                       {"data": {"decision": "approve"}})))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    completed = ("complete", 200) in answers
    claimed = [code for what, code in answers if what == "claim" and code == 200]
    assert len(claimed) <= 1 and not (completed and claimed), answers
    assert all(code in (200, 409) for _what, code in answers), answers
    with eng.runtime.reading() as s:
        task = s.get(HumanTask, task_id)
    assert task.status == ("completed" if completed else "open")
