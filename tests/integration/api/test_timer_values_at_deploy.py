"""Deploy-time checks of timer and due-date values: ISO 8601 literals and Python expressions pass; a broken
one is refused with the element it sits on."""
from __future__ import annotations

import pytest


def _process(timer_tag: str, timer_value: str, due_date: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="timer_values" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Activity_review" camunda:candidateGroups="hrss" camunda:dueDate="{due_date}">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:intermediateCatchEvent id="Event_wait"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerEventDefinition_1">
        <bpmn:{timer_tag} xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{timer_value}</bpmn:{timer_tag}>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="Event_end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Activity_review" />
    <bpmn:sequenceFlow id="f2" sourceRef="Activity_review" targetRef="Event_wait" />
    <bpmn:sequenceFlow id="f3" sourceRef="Event_wait" targetRef="Event_end" />
  </bpmn:process>
</bpmn:definitions>"""


def _validate(client, login, content: str) -> dict:
    rv = client.post("/api/definitions/validate", headers=login("policy"), json={
        "locality": "000000", "files": [{"name": "timer_values.bpmn", "content": content}]})
    assert rv.status_code == 200, rv.json
    return rv.json


@pytest.mark.parametrize("timer_tag, timer_value, due_date", [
    ("timeDuration", "PT5M", "P5D"),
    ("timeDuration", "P1D", "2027-06-30"),
    ("timeDate", "2027-01-01T09:00:00+08:00", "2027-06-30T17:00:00+08:00"),
    ("timeDate", "2027-01-01", "${add_workdays(today(), 5)}"),
    ("timeCycle", "R3/PT10M", "P1M"),
    ("timeDate", "at(window_opens, 0, 0)", "${deadline(period, 5)}"),
    ("timeDuration", '"PT1S"', "add_days(today(), 3)"),
])
def test_literals_and_expressions_deploy(client, login, timer_tag, timer_value, due_date):
    result = _validate(client, login, _process(timer_tag, timer_value, due_date))
    assert result["valid"], result["problems"]


@pytest.mark.parametrize("timer_tag, timer_value, due_date, element_id, message", [
    ("timeDuration", "PT5X", "P5D", "Event_wait", "the timer value 'PT5X' is not a valid ISO 8601 duration"),
    ("timeDate", "PT5M", "P5D", "Event_wait", "the timer value 'PT5M' is an ISO 8601 duration, not a date or datetime"),
    ("timeDate", "at(window_opens, 0", "P5D", "Event_wait", "the timer expression does not compile"),
    ("timeDuration", "__import__('os')", "P5D", "Event_wait", "the timer expression is not allowed"),
    ("timeDuration", "PT5M", "add_workdays(today(), 5", "Activity_review", "the due date expression does not compile"),
    ("timeDuration", "PT5M", "R3/PT10M", "Activity_review",
     "the due date value 'R3/PT10M' is an ISO 8601 cycle, not a date or datetime or duration"),
])
def test_a_broken_value_is_refused_at_deploy_with_its_element(client, login, timer_tag, timer_value, due_date,
                                                              element_id, message):
    result = _validate(client, login, _process(timer_tag, timer_value, due_date))
    assert not result["valid"]
    assert [(p["element_id"], p["message"][:len(message)]) for p in result["problems"]] == [(element_id, message)]
    deploy = client.post("/api/definitions", headers=login("policy"), json={
        "locality": "000000", "files": [{"name": "timer_values.bpmn", "content": _process(timer_tag, timer_value, due_date)}]})
    assert deploy.status_code == 422


def _start_process(timer_tag: str, value: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="daily_check" isExecutable="true">
    <bpmn:startEvent id="StartEvent_daily"><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerEventDefinition_1"><bpmn:{timer_tag}>{value}</bpmn:{timer_tag}></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:endEvent id="Event_end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_daily" targetRef="Event_end" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.mark.parametrize("timer_tag, value, message", [
    ("timeCycle", "R/P1X", "the timer start value 'R/P1X' is not an ISO 8601 cycle"),
    ("timeCycle", "0 0 9 * * ?", "the timer start value '0 0 9 * * ?' is not an ISO 8601 cycle"),
    ("timeDate", "tomorrow", "the timer start value 'tomorrow' is not an ISO 8601 date-time"),
    ("timeDuration", "PT5M", "a timer start event fires on a timeCycle"),
])
def test_a_timer_start_value_the_scheduler_cannot_read_is_refused_with_its_start_event(
        client, login, timer_tag, value, message):
    result = _validate(client, login, _start_process(timer_tag, value))
    assert [(p["element_id"], p["message"][:len(message)]) for p in result["problems"]] == [("StartEvent_daily", message)]


def test_a_start_cycle_without_a_start_fires_counted_from_its_deployment(eng, clock, client, login):
    from tests.e2e.helpers import at

    at(clock, eng, "2027-03-01T10:00:00")
    rv = client.post("/api/definitions", headers=login("policy_zy"), json={
        "locality": "340722", "files": [{"name": "daily_check.bpmn", "content": _start_process("timeCycle", "R2/P1D")}]})
    assert rv.status_code == 201, rv.json

    def started() -> list[str]:
        items = client.get("/api/instances", headers=login("admin"), query_string={"key": "daily_check"}).json["items"]
        return sorted(i["business_key"] for i in items)   # <key>-<locality>-<fire time, Beijing>

    at(clock, eng, "2027-03-02T09:59:00")
    assert started() == []
    at(clock, eng, "2027-03-02T10:00:30")
    assert started() == ["daily_check-340722-202703021000"]
    at(clock, eng, "2027-03-05T10:00:00")
    assert started() == ["daily_check-340722-202703021000", "daily_check-340722-202703031000"], "R2: twice"
