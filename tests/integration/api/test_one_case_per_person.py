"""One running retirement per person and locality, decided by the database: simultaneous applications for one ID
number give one case and 409s that name it; the person may apply again once the case has ended."""
from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from engine.runtime.cases import PersonHasRunningCase
from engine.store.models import Application, Instance
from tests.support.people import application_data, person


def _post(client, headers, p, channel="community"):
    return client.post("/api/applications", headers=headers,
                       json={"locality": "340722", "data": application_data(p, channel=channel)})


def _running(eng, id_number) -> list[str]:
    with eng.runtime.reading() as s:
        return list(s.scalars(sa.select(Instance.business_key).join(
            Application, Application.instance_id == Instance.id).where(
            Application.id_number == id_number, Instance.status == "running")))


def test_ten_simultaneous_applications_for_one_person_start_one_case_and_nine_409s_naming_it(
        eng, app, clock, login, roster):
    clock.set(datetime(2027, 5, 6, 10, 0))
    wang = roster(person(county="340722", born=date(1966, 12, 4)))
    headers = login("zy_community")
    start = threading.Barrier(10)
    answers = []

    def apply():
        client = app.test_client()  # one client per thread, as ten browsers would be
        start.wait()
        rv = _post(client, headers, wang)
        answers.append((rv.status_code, rv.json))

    threads = [threading.Thread(target=apply) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    codes = sorted(code for code, _ in answers)
    assert codes == [201] + [409] * 9, answers
    (created,) = [body for code, body in answers if code == 201]
    for code, body in answers:
        if code == 409:
            assert body["message"].startswith("该参保人已有正在办理的退休一件事"), body
            assert created["business_key"] in body["message"]
            assert body["errors"]["json"]["id_number"]
    assert _running(eng, wang["id_number"]) == [created["business_key"]]


def test_applications_in_sequence_are_refused_while_the_case_runs_and_accepted_after_it_is_cancelled(
        eng, client, clock, login, roster):
    clock.set(datetime(2027, 5, 6, 10, 0))
    wang = roster(person(county="340722", born=date(1966, 12, 4)))
    community, admin = login("zy_community"), login("admin")
    first = _post(client, community, wang)
    assert first.status_code == 201, first.json
    for _ in range(3):
        again = _post(client, community, wang)
        assert again.status_code == 409 and first.json["business_key"] in again.json["message"]
    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Instance)) == 1, "refused applications start nothing"

    rv = client.post(f"/api/instances/{first.json['instance_id']}/cancel", headers=admin,
                     json={"reason": "申请人撤回"})
    assert rv.status_code in (200, 204), rv.json
    second = _post(client, community, wang)
    assert second.status_code == 201, second.json
    assert _running(eng, wang["id_number"]) == [second.json["business_key"]]


def test_the_database_itself_refuses_a_second_running_case_for_the_same_person(eng):
    eng.start("retirement", "340722", "BK-1", _variables(), person_key="340722196612040011")
    with pytest.raises(PersonHasRunningCase):
        eng.start("retirement", "340722", "BK-2", _variables(), person_key="340722196612040011")
    eng.start("retirement", "340722", "BK-3", _variables(), person_key="340722196612040038")
    with eng.runtime.reading() as s:
        assert sorted(s.scalars(sa.select(Instance.business_key))) == ["BK-1", "BK-3"]


def _variables() -> dict:
    return {"id_number": "340722196612040011", "name": "王建国", "phone": "13912345678", "channel": "community",
            "retirement_type": "normal", "retirement_choice": "statutory", "requested_retirement_month": None,
            "sex": "male", "category": "male", "birth_date_id_card": "1966-12-04", "birth_month": "1966-12"}
