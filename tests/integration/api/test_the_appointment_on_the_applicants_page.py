"""An applicant booked at the housing-fund centre's window reads on their own page where and when to go
(请于{date}到{place}办理), worded by the model's progress_text on the window task, not "由…办理，预计…前完成";
a rebooking shows the new date, and the other steps keep their who-and-by wording."""
from __future__ import annotations

import re

import sqlalchemy as sa

from engine import queries
from engine.store.models import Instance
from tests.e2e.helpers import at, complete, the_task, tick
from tests.support.housing_window import zongyang_employer_case


def _public(client, bk, li) -> dict:
    rv = client.post("/api/public/progress", json={"business_key": bk, "id_tail": li["id_number"][-6:]})
    assert rv.status_code == 200, rv.json
    return rv.json


def _place(eng, bk) -> str:
    with eng.runtime.reading() as s:
        row = s.scalar(sa.select(Instance).where(Instance.business_key == bk))
        return queries.variables_of(eng.runtime, s, row)["contact_housing_fund_withdrawal"]["place"]


def _housing_next(body) -> dict:
    return [i for i in body["items"] if i["item"] == "housing_fund_withdrawal"][0]["next"]


def test_the_applicant_booked_at_the_window_is_told_to_come_on_the_appointment_day_to_the_place(
        eng, clock, client, login, roster):
    li, _app_id, bk = zongyang_employer_case(client, login, eng, clock, roster)
    at(clock, eng, "2027-06-20T08:00:00")
    place = _place(eng, bk)
    assert place and "{" not in place
    body = _public(client, bk, li)
    shown = _housing_next(body)
    assert shown["text"] == f"请于2027-06-21到{place}办理", shown
    steps = [n for n in body["next"] if "公积金中心" in n["what"]]
    assert steps and steps[0]["text"] == f"请于2027-06-21到{place}办理", body["next"]
    others = [n for n in body["next"] if "公积金中心" not in n["what"]] + [
        i["next"] for i in body["items"] if i["next"] and i["item"] != "housing_fund_withdrawal"]
    assert all(n.get("text") is None for n in others), "the other steps keep 由…办理，预计…前完成"
    words = [n.get("text") or "" for n in [*body["next"], *(i["next"] for i in body["items"] if i["next"])]]
    assert not re.search(r"[{}]|contact_", "".join(words)), "no placeholder or variable name reaches the applicant"


def test_a_rebooked_applicant_reads_the_new_date(eng, clock, client, login, roster):
    li, _app_id, bk = zongyang_employer_case(client, login, eng, clock, roster)
    housing = login("zy_housing")
    at(clock, eng, "2027-06-21T17:00:00")
    complete(client, housing, the_task(client, housing, "Task_hf_reception", bk),
             {"reception_outcome": "absent", "absent_action": "rebook", "rebook_on": "2027-06-26"})
    tick(eng)
    assert _housing_next(_public(client, bk, li))["text"] == f"请于2027-06-28到{_place(eng, bk)}办理"
