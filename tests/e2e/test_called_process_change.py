"""A policy officer changes the national flexible-retirement called process: running Zongyang cases stay on the
version they started with until the officer migrates them; a migrated case waiting inside the called process
then continues on the new version, and a new case starts on it."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.support.people import application_data, person

from .helpers import at, complete, the_task, tick

FLEX = Path(__file__).resolve().parents[2] / "processes" / "000000" / "flexible_retirement.bpmn"

# v2: after the employer's confirmation HRSS checks the notice before the table decides.
REVIEW = ('<bpmn:userTask id="Task_flex_hrss_check" name="人社复核书面告知" camunda:candidateGroups="hrss">'
          '<bpmn:incoming>Flow_f10</bpmn:incoming><bpmn:outgoing>Flow_f10b</bpmn:outgoing></bpmn:userTask>'
          '<bpmn:sequenceFlow id="Flow_f10b" sourceRef="Task_flex_hrss_check" targetRef="Task_flex_decide" />')


def _v2() -> str:
    xml = FLEX.read_text(encoding="utf-8")
    xml = xml.replace('<bpmn:sequenceFlow id="Flow_f10" sourceRef="Gateway_flex_confirmed" targetRef="Task_flex_decide" />',
                      '<bpmn:sequenceFlow id="Flow_f10" sourceRef="Gateway_flex_confirmed" '
                      'targetRef="Task_flex_hrss_check" />' + REVIEW)
    xml = xml.replace("<bpmn:incoming>Flow_f10</bpmn:incoming>\n      <bpmn:outgoing>Flow_f11</bpmn:outgoing>",
                      "<bpmn:incoming>Flow_f10b</bpmn:incoming>\n      <bpmn:outgoing>Flow_f11</bpmn:outgoing>")
    assert "Task_flex_hrss_check" in xml and "<bpmn:incoming>Flow_f10b</bpmn:incoming>" in xml
    return xml


def _apply(client, headers, p):
    rv = client.post("/api/applications", headers=headers, json={"locality": "340722", "data": application_data(
        p, channel="employer", retirement_choice="early", requested_retirement_month="2027-03")})
    assert rv.status_code == 201, rv.json
    return rv.json["business_key"], rv.json["instance_id"]


def test_a_case_waiting_inside_the_called_process_moves_to_its_new_version_when_the_officer_migrates_it(
        eng, clock, client, login, roster):
    hrss, employer, officer = login("zy_hrss"), login("zy_employer"), login("policy")
    at(clock, eng, "2027-02-01T09:00:00")  # in the month before the requested 2027-03
    moved_bk, moved_id = _apply(client, employer, roster(person(county="340722", born=date(1966, 12, 4), seq=41)))
    stays_bk, stays_id = _apply(client, employer, roster(person(county="340722", born=date(1966, 12, 4), seq=43)))
    tick(eng)

    rv = client.post("/api/definitions", headers=officer, json={"locality": "000000", "note": "人社复核书面告知",
                     "files": [{"name": "flexible_retirement.bpmn", "content": _v2()}]})
    assert rv.status_code == 201, rv.json
    retirement = client.get("/api/instances/" + moved_id, headers=officer).json["definition_id"]

    body = {"from_definition": retirement, "to_definition": retirement, "instance_ids": [moved_id], "dry_run": True}
    dry = client.post("/api/migrations", headers=officer, json=body)
    assert dry.status_code == 200, dry.json
    assert dry.json["moved"] == 1 and dry.json["items"][0]["to_activities"] == ["Task_flex_notice"]
    body["dry_run"] = False
    assert client.post("/api/migrations", headers=officer, json=body).json["moved"] == 1

    for bk in (moved_bk, stays_bk):
        complete(client, employer, the_task(client, employer, "Task_flex_notice", bk),
                 {"notice_date": "2026-11-20", "notice_copy_kept": True})
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_flex_hrss_check", moved_bk), {})
    tick(eng)
    for iid in (moved_id, stays_id):
        waiting = client.get("/api/instances/" + iid, headers=officer).json["waiting_in"]
        assert [w["activity_id"] for w in waiting] == ["Task_accept_employer"], "both reach the acceptance"
    stays = client.get("/api/instances/" + stays_id, headers=officer).json
    assert "Task_flex_hrss_check" not in {h.get("activity_id") for h in stays["history"]}, \
        "the case that was not migrated ran the version it started with"

    new_bk, _ = _apply(client, employer, roster(person(county="340722", born=date(1966, 12, 4), seq=45)))
    tick(eng)
    complete(client, employer, the_task(client, employer, "Task_flex_notice", new_bk),
             {"notice_date": "2026-11-20", "notice_copy_kept": True})
    tick(eng)
    assert the_task(client, hrss, "Task_flex_hrss_check", new_bk), "a new case starts on the new called version"
