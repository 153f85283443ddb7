"""Deploy-time check of SMS templates: a diagram that sends a template the locality lacks, or whose placeholders
no sender fills, is refused with the element it sits on (the empty-month SMS never reaches a person)."""
from __future__ import annotations

import pytest


def _process(template: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="sms_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Activity_text" camunda:type="external" camunda:topic="notification.send_sms">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="template">{template}</camunda:inputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="Event_end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Activity_text" />
    <bpmn:sequenceFlow id="f2" sourceRef="Activity_text" targetRef="Event_end" />
  </bpmn:process>
</bpmn:definitions>"""


def _validate(client, login, locality: str, content: str) -> dict:
    rv = client.post("/api/definitions/validate", headers=login("policy"), json={
        "locality": locality, "files": [{"name": "sms_probe.bpmn", "content": content}]})
    assert rv.status_code == 200, rv.json
    return rv.json


@pytest.mark.parametrize("locality, template", [("000000", "rights_notice"), ("340722", "notify_upcoming"),
                                               ("340722", "contact_offline")])
def test_a_configured_template_with_known_placeholders_deploys(client, login, locality, template):
    result = _validate(client, login, locality, _process(template))
    assert result["valid"], result["problems"]


def test_a_template_the_locality_does_not_have_is_refused_at_deploy(client, login):
    result = _validate(client, login, "000000", _process("retirement_greeting"))
    assert not result["valid"]
    assert [(p["element_id"], "retirement_greeting" in p["message"]) for p in result["problems"]] == [
        ("Activity_text", True)]


def test_every_template_of_both_localities_uses_only_placeholders_the_senders_fill(eng):
    import string

    for code in ("340722", "220000"):
        sms = eng.runtime.localities.settings(code)["sms"]
        for name, text in sms["templates"].items():
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert fields <= set(sms["placeholders"]), (code, name, fields - set(sms["placeholders"]))
