"""A form that could break the completion of its task is refused at deploy (form id, component, reason), and a
pattern a policy officer writes runs in linear time: completing a task with a pattern field never stalls or 500s."""
from __future__ import annotations

import json

import pytest

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_probe" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="probe_pattern" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_fill" />
    <bpmn:userTask id="Task_fill" name="填写" camunda:candidateGroups="hrss" camunda:formRef="probe_pattern_form" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_fill" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def _form(**rules) -> str:
    return json.dumps({"id": "probe_pattern_form", "type": "default", "components": [
        {"id": "Field_code", "key": "code", "type": "textfield", "label": "编码",
         "validate": {"required": True, **rules}}]})


def _deploy(client, login, form: str):
    return client.post("/api/definitions", headers=login("policy"), json={"locality": "000000", "files": [
        {"name": "probe_pattern.bpmn", "content": PROCESS}, {"name": "probe_pattern_form.json", "content": form}]})


def _open_task(client, login) -> tuple[str, dict]:
    rv = client.post("/api/instances", headers=login("admin"),
                     json={"key": "probe_pattern", "locality": "340722", "business_key": "BK-pattern"})
    assert rv.status_code == 201, rv.json
    hrss = login("zy_hrss")
    task = next(t for t in client.get("/api/tasks?process=probe_pattern", headers=hrss).json["items"])
    assert client.post(f"/api/tasks/{task['id']}/claim", headers=hrss).status_code == 200
    return task["id"], hrss


@pytest.mark.parametrize("rules, reason", [
    ({"pattern": "("}, "validate.pattern"),
    ({"pattern": r"(a)\1"}, "validate.pattern"),
    ({"pattern": "(?=a)a"}, "validate.pattern"),
    ({"minLength": "three"}, "validate.minLength"),
    ({"maxLength": -1}, "validate.maxLength"),
    ({"min": "low"}, "validate.min"),
    ({"required": "yes"}, "validate.required"),
    ({"minLength": 5, "maxLength": 2}, "validate.minLength"),
    ({"pattern": 7}, "validate.pattern"),
])
def test_a_form_with_an_unusable_rule_is_refused_at_deploy_naming_the_form_and_the_component(
        client, login, rules, reason):
    rv = _deploy(client, login, _form(**rules))
    assert rv.status_code == 422, rv.json
    problem = next(p for p in rv.json["problems"] if p["file"] == "probe_pattern_form.json")
    assert problem["element_id"] == "Field_code"
    assert "probe_pattern_form" in problem["message"] and "'code'" in problem["message"]
    assert reason in problem["message"]
    assert isinstance(rv.json["errors"]["json"]["files"], list)


@pytest.mark.parametrize("form", [
    {"id": "probe_pattern_form", "components": "not a list"},
    {"id": "probe_pattern_form", "components": [7]},
    {"id": "probe_pattern_form", "components": [{"type": "fancy", "key": "x", "validate": {"required": True}}]},
    {"id": "probe_pattern_form", "components": [{"type": "textfield", "validate": {"required": True}}]},
    {"id": "probe_pattern_form", "components": [{"type": "textfield", "key": "x", "validate": ["required"]}]},
    {"id": "probe_pattern_form", "components": [{"type": "select", "key": "x", "values": "a,b"}]},
    {"id": "probe_pattern_form", "components": [{"type": "textfield", "key": "x", "conditional": "x"}]},
    {"id": "probe_pattern_form", "components": [{"type": "textfield", "key": "x", "properties": {"format": "iban"}}]},
    {"id": {"nested": 1}, "components": []},
    ["not", "a", "form"],
])
def test_a_malformed_form_definition_is_refused_at_deploy_not_a_server_error(client, login, form):
    rv = _deploy(client, login, json.dumps(form))
    assert rv.status_code == 422, rv.json
    assert any(p["file"] == "probe_pattern_form.json" for p in rv.json["problems"])


def test_the_validate_endpoint_reports_the_same_form_problems_without_deploying(client, login):
    rv = client.post("/api/definitions/validate", headers=login("policy"), json={"locality": "000000", "files": [
        {"name": "probe_pattern_form.json", "content": _form(pattern="(")}]})
    assert rv.status_code == 200 and rv.json["valid"] is False
    assert "RE2" in rv.json["problems"][0]["message"]


def test_a_catastrophic_pattern_is_matched_in_linear_time_and_a_mismatch_is_a_422(client, login):
    assert _deploy(client, login, _form(pattern="^(a+)+$", patternErrorMessage="编码只能是字母 a")).status_code == 201
    task_id, hrss = _open_task(client, login)
    rv = client.post(f"/api/tasks/{task_id}/complete", headers=hrss, json={"data": {"code": "a" * 5000 + "!"}})
    assert rv.status_code == 422, rv.json
    assert rv.json["errors"]["json"]["code"] == ["编码只能是字母 a"]
    rv = client.post(f"/api/tasks/{task_id}/complete", headers=hrss, json={"data": {"code": "aaaa"}})
    assert rv.status_code == 200, rv.json


def test_a_javascript_unicode_range_pattern_works_as_form_js_writes_it(client, login):
    assert _deploy(client, login, _form(pattern=r"^[\u4e00-\u9fa5]{2,4}$")).status_code == 201
    task_id, hrss = _open_task(client, login)
    rv = client.post(f"/api/tasks/{task_id}/complete", headers=hrss, json={"data": {"code": "Wang"}})
    assert rv.status_code == 422 and "code" in rv.json["errors"]["json"]
    rv = client.post(f"/api/tasks/{task_id}/complete", headers=hrss, json={"data": {"code": "王建国"}})
    assert rv.status_code == 200, rv.json


def test_a_number_field_refuses_values_that_are_not_finite_numbers(client, login):
    form = json.dumps({"id": "probe_pattern_form", "components": [
        {"id": "Field_n", "key": "n", "type": "number", "label": "年限", "validate": {"min": 0, "max": 50}}]})
    assert _deploy(client, login, form).status_code == 201
    task_id, hrss = _open_task(client, login)
    for bad in ("NaN", "Infinity", "1e400", True, [1], {"a": 1}):
        rv = client.post(f"/api/tasks/{task_id}/complete", headers=hrss, json={"data": {"n": bad}})
        assert rv.status_code == 422 and "n" in rv.json["errors"]["json"], (bad, rv.json)
    assert client.post(f"/api/tasks/{task_id}/complete", headers=hrss, json={"data": {"n": 12}}).status_code == 200
