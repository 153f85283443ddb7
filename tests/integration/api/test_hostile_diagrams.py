"""Hostile diagrams through the HTTP API and `retire deploy --check`: an escape or a bomb in a condition, timer,
due date, input parameter or script is refused at deploy with its element; one fed by case data stops the case
with its element named (a 422, or an incident for a job), nothing of it runs, and /api/health keeps answering."""
from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
import sqlalchemy as sa

from engine.store.models import Job

HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
          '20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">')


def _process(key: str = "hostile_probe", *, condition: str = 'channel == "online"', timer: str = "PT1H",
             due: str = "P5D", parameter: str = "${phone}", script: str = 'checked = True',
             cardinality: str = "2") -> str:
    e = escape
    return f"""{HEADER}
  <bpmn:process id="{key}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="Task_prepare" scriptFormat="python"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>{e(script)}</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="Gateway_route" default="f_other"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f_main</bpmn:outgoing><bpmn:outgoing>f_other</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_main" sourceRef="Gateway_route" targetRef="Task_review">
      <bpmn:conditionExpression>{e(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_other" sourceRef="Gateway_route" targetRef="Task_review" />
    <bpmn:userTask id="Task_review" camunda:candidateGroups="hrss" camunda:dueDate="{e(due, {'"': '&quot;'})}">
      <bpmn:incoming>f_main</bpmn:incoming><bpmn:incoming>f_other</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:loopCardinality>{e(cardinality)}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:intermediateCatchEvent id="Event_wait"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>{e(timer)}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:serviceTask id="Task_notify" camunda:type="external" camunda:topic="housing_fund.withdraw">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="phone">{e(parameter)}</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
      <bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="End_1"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_prepare" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_prepare" targetRef="Gateway_route" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_review" targetRef="Event_wait" />
    <bpmn:sequenceFlow id="f4" sourceRef="Event_wait" targetRef="Task_notify" />
    <bpmn:sequenceFlow id="f5" sourceRef="Task_notify" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>"""


def _deploy(client, login, content: str, locality: str = "340722"):
    return client.post("/api/definitions", headers=login("policy_zy"), json={
        "locality": locality, "files": [{"name": "hostile_probe.bpmn", "content": content}]})


HOSTILE = [
    # (where, value, the element named)
    ("condition", "().__class__.__bases__[0].__subclasses__()", "f_main"),
    ("condition", '"{0.__class__}".format(channel)', "f_main"),
    ("condition", "[c for c in channel]", "f_main"),
    ("condition", "10**10**10 > 1", "f_main"),
    ("timer", "(lambda: 'PT1H')()", "Event_wait"),
    ("timer", '"P" + "1" * 10**9 + "D"', "Event_wait"),
    ("due", '${__import__("os").system("id")}', "Task_review"),
    ("due", '${getattr(today, "__globals__")}', "Task_review"),
    ("parameter", "${phone.__class__.__mro__}", "Task_notify"),
    ("parameter", '${"a" * 10**9}', "Task_notify"),
    ("script", "import os", "Task_prepare"),
    ("script", 'key = open("/etc/passwd")', "Task_prepare"),
    ("script", "x = 10\ny = x ** x ** x", "Task_prepare"),
    ("script", "for i in [1]: x = i", "Task_prepare"),
    ("cardinality", "type(channel)", "Task_review"),
]


@pytest.mark.parametrize("where, value, element", HOSTILE, ids=[f"{w}:{v[:25]}" for w, v, _ in HOSTILE])
def test_a_hostile_expression_is_refused_at_deploy_with_its_element(client, login, where, value, element):
    rv = _deploy(client, login, _process(**{where: value}))
    assert rv.status_code == 422, rv.json
    check = client.post("/api/definitions/validate", headers=login("policy_zy"), json={
        "locality": "340722", "files": [{"name": "hostile_probe.bpmn", "content": _process(**{where: value})}]})
    assert [p["element_id"] for p in check.json["problems"]] == [element], check.json["problems"]
    assert client.get("/api/health").status_code == 200


def test_the_harmless_probe_deploys(client, login):
    rv = _deploy(client, login, _process())
    assert rv.status_code == 201, rv.json


def _start(client, login, variables: dict):
    return client.post("/api/instances", headers=login("zy_hrss"), json={
        "key": "hostile_probe", "locality": "340722", "business_key": "HOSTILE-1", "variables": variables})


@pytest.mark.parametrize("where, value, element", [
    ("script", "checked = s * n", "Task_prepare"),
    ("condition", "n ** n > 1", "Gateway_route"),
    ("cardinality", "10 ** n", "Task_review"),
    ("due", "${add_workdays(today(), n)}", "Task_review"),
])
def test_a_bomb_fed_by_start_variables_stops_the_start_naming_its_element(client, login, where, value, element):
    assert _deploy(client, login, _process(**{where: value})).status_code == 201
    rv = _start(client, login, {"s": "a", "n": 10 ** 9, "channel": "online", "phone": "138"})
    assert rv.status_code == 422, rv.json
    assert element in rv.json["message"] or rv.json.get("activity_id") == element, rv.json
    assert client.get("/api/instances", headers=login("admin"), query_string={"key": "hostile_probe"}).json[
        "total"] == 0
    assert client.get("/api/health").status_code == 200


def test_an_input_parameter_bomb_becomes_an_incident_at_its_element_and_the_handler_never_runs(
        eng, clock, client, login):
    from tests.e2e.helpers import at

    calls = []
    eng.runtime.handlers["housing_fund.withdraw"] = lambda ctx: calls.append(ctx.inputs) or {}
    assert _deploy(client, login, _process(parameter="${s * n}", cardinality="1")).status_code == 201
    rv = _start(client, login, {"s": "a", "n": 10 ** 9, "channel": "online"})
    assert rv.status_code == 201, rv.json
    task_id = rv.json["tasks"][0]["id"]
    assert client.post(f"/api/tasks/{task_id}/complete", headers=login("zy_hrss"), json={"data": {}}).status_code == 200
    at(clock, eng, "2026-11-22T11:00:00")   # past the one-hour timer
    eng.run_due_jobs()
    with eng.runtime.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.topic == "housing_fund.withdraw"))
        assert (job.status, job.activity_id) == ("incident", "Task_notify")
        assert "BudgetExceeded" in job.last_error and "'phone'" in job.last_error
    assert calls == []
    incidents = client.get("/api/incidents", headers=login("admin")).json
    assert incidents["total"] == 1
    assert client.get("/api/health").status_code == 200


def test_retire_deploy_check_names_the_element_of_a_hostile_script(eng, database_url, tmp_path):
    from tests.integration.api.test_cli_deploy import _retire

    folder = tmp_path / "340722"
    folder.mkdir()
    (folder / "hostile_probe.bpmn").write_text(_process(script='x = "{0.__class__}".format(y)'), encoding="utf-8")
    out = _retire(database_url, "deploy", "--check", str(folder))
    assert out.returncode != 0
    assert "Task_prepare" in out.stdout and "'.format()' is not a method" in out.stdout, out.stdout


def test_a_message_payload_or_correlation_expression_is_checked_too(client, login):
    content = f"""{HEADER}
  <bpmn:message id="Message_1" name="notice" />
  <bpmn:correlationProperty id="CorrelationProperty_case" name="case">
    <bpmn:correlationPropertyRetrievalExpression messageRef="Message_1">
      <bpmn:formalExpression>__import__("os")</bpmn:formalExpression>
    </bpmn:correlationPropertyRetrievalExpression>
  </bpmn:correlationProperty>
  <bpmn:process id="hostile_message" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateThrowEvent id="Event_send"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:messageEventDefinition messageRef="Message_1" camunda:expression="x.__class__" />
    </bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="End_1"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Event_send" />
    <bpmn:sequenceFlow id="f2" sourceRef="Event_send" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>"""
    check = client.post("/api/definitions/validate", headers=login("policy_zy"), json={
        "locality": "340722", "files": [{"name": "hostile_message.bpmn", "content": content}]})
    problems = {(p["element_id"], p["message"].split(":")[0]) for p in check.json["problems"]}
    assert ("CorrelationProperty_case", "the correlation expression is not allowed") in problems, problems
    assert ("Event_send", "the message payload expression is not allowed") in problems, problems


def test_a_bomb_after_a_timer_ends_as_an_incident_naming_its_element_not_a_stalled_worker(eng, clock, client, login):
    from tests.e2e.helpers import at

    content = f"""{HEADER}
  <bpmn:process id="hostile_late" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="Event_wait"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="Task_late"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>checked = s * n</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="End_1"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Event_wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="Event_wait" targetRef="Task_late" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_late" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>"""
    rv = client.post("/api/definitions", headers=login("policy_zy"), json={
        "locality": "340722", "files": [{"name": "hostile_late.bpmn", "content": content}]})
    assert rv.status_code == 201, rv.json
    rv = client.post("/api/instances", headers=login("zy_hrss"), json={
        "key": "hostile_late", "locality": "340722", "business_key": "HOSTILE-2",
        "variables": {"s": "a", "n": 10 ** 9}})
    assert rv.status_code == 201, rv.json
    for hour in range(10, 16):   # the timer fires, then each retry after its back-off
        at(clock, eng, f"2026-11-22T{hour}:30:00")
        eng.run_due_jobs()
        assert client.get("/api/health").status_code == 200
    with eng.runtime.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.activity_id == "Event_wait"))
        assert job.status == "incident"
        assert "Task_late" in job.last_error and "longer than" in job.last_error, job.last_error


def test_a_due_date_that_is_not_a_date_stops_the_start_naming_its_user_task(client, login):
    assert _deploy(client, login, _process(due="${[n, n]}")).status_code == 201
    rv = _start(client, login, {"n": 1, "channel": "online"})
    assert rv.status_code == 422 and rv.json["activity_id"] == "Task_review", rv.json
