"""Versions, diffs and county overrides as a policy officer uses them over the API."""
from __future__ import annotations

import json


def _effective(client, headers, locality):
    rv = client.get("/api/definitions", headers=headers, query_string={"locality": locality, "effective": "true"})
    assert rv.status_code == 200
    return {(d["kind"], d["key"]): d for d in rv.json["items"]}


def test_a_county_adapts_one_inherited_form_inherits_the_rest_and_can_drop_it_again(client, login):
    officer = login("policy_zy")
    before = _effective(client, officer, "340722")
    approval = before[("form", "approval_form")]
    assert approval["inherited"] and approval["locality"] == "000000"
    assert before[("bpmn", "retirement")]["inherited"] is False

    rv = client.post("/api/localities/340722/overrides", headers=officer, json={"definition_id": approval["id"]})
    assert rv.status_code == 201, rv.json
    after = _effective(client, officer, "340722")
    assert after[("form", "approval_form")]["locality"] == "340722"
    assert after[("form", "approval_form")]["overridden"] is True
    assert after[("form", "application_form")]["inherited"] is True, "only the adapted file is copied"

    rv = client.delete("/api/localities/340722/overrides/form/approval_form", headers=officer)
    assert rv.status_code == 204
    assert _effective(client, officer, "340722")[("form", "approval_form")]["locality"] == "000000"


def test_deploying_changed_content_makes_a_numbered_version_and_the_diff_lists_the_change(client, login):
    officer = login("policy_zy")
    current = _effective(client, officer, "340722")[("form", "collection_form")]
    content = client.get(f"/api/definitions/{current['id']}", headers=officer).json["content"]
    form = json.loads(content)
    form["components"][0]["label"] = "已收取申请表（原件）"
    body = {"locality": "340722", "note": "label", "files": [{"name": "collection_form.json",
                                                              "content": json.dumps(form, ensure_ascii=False)}]}
    rv = client.post("/api/definitions", headers=officer, json=body)
    assert rv.status_code == 201 and rv.json["deployed"][0]["version"] == current["version"] + 1
    again = client.post("/api/definitions", headers=officer, json=body)
    assert again.status_code == 201 and again.json["deployed"] == [] and again.json["unchanged"][0]["version"] == current["version"] + 1
    new_id = rv.json["deployed"][0]["id"]
    diff = client.get(f"/api/definitions/{new_id}/diff", headers=officer, query_string={"against": current["id"]}).json
    assert diff["added"] == [] and diff["removed"] == []
    assert diff["changed"][0]["id"] == "Field_application_form_received"
    assert "已收取申请表（原件）" in diff["changed"][0]["changes"][0]


def test_an_invalid_diagram_is_refused_with_the_file_element_and_reason_and_nothing_is_deployed(client, login):
    officer = login("policy_zy")
    bpmn = client.get(f"/api/definitions/{_effective(client, officer, '340722')[('bpmn', 'retirement')]['id']}",
                      headers=officer).json["content"]
    broken = bpmn.replace('camunda:topic="housing_fund.withdraw"', 'camunda:topic="housing_fund.withdraww"')
    broken = broken.replace('camunda:candidateGroups="hrss" camunda:formRef="approval_form"',
                            'camunda:candidateGroups="hrs" camunda:formRef="approval_form"')
    body = {"locality": "340722", "files": [{"name": "retirement.bpmn", "content": broken}]}
    check = client.post("/api/definitions/validate", headers=officer, json=body).json
    assert check["valid"] is False
    found = {(p["element_id"], p["message"].split("'")[1]) for p in check["problems"]}
    assert ("Task_hf_withdraw", "housing_fund.withdraww") in found and ("Task_approve", "hrs") in found
    rv = client.post("/api/definitions", headers=officer, json=body)
    assert rv.status_code == 422 and len(rv.json["problems"]) == 2
    assert _effective(client, officer, "340722")[("bpmn", "retirement")]["version"] == 1
