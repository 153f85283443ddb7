"""What the engine caches to stay fast must never leak between callers or outlive a deploy."""
from __future__ import annotations

from tests.conftest import ROOT


def test_locality_settings_are_a_fresh_copy_for_each_caller(eng):
    first = eng.runtime.localities.settings("340722")
    first["sms"] = {"templates": {}}
    first.setdefault("items", []).clear()
    again = eng.runtime.localities.settings("340722")
    assert again != first
    assert again["items"], "the cached settings were changed through a caller's copy"
    assert eng.runtime.localities.item_catalog("340722")


def test_locality_settings_follow_a_change_of_the_localities_table(eng):
    from engine.store.models import Locality

    assert "probe_parameter" not in eng.runtime.localities.settings("340722")
    with eng.runtime.transaction() as session:
        row = session.get(Locality, "340722")
        row.settings = {**row.settings, "probe_parameter": {"value": 1}}
    eng.runtime.localities.forget()  # what a deploy does after writing the table
    assert eng.runtime.localities.settings("340722")["probe_parameter"] == {"value": 1}
    assert eng.runtime.localities.settings("340700").get("probe_parameter") is None


def test_a_decision_follows_a_deploy_and_an_older_deployment_number_keeps_its_table(eng):
    import pytest

    from engine.definitions import DefinitionFile

    original = (ROOT / "processes" / "000000" / "deadline_roll.dmn").read_text(encoding="utf-8")
    with eng.runtime.reading() as s:
        before = eng.runtime.definitions.latest_seq(s)
    inputs = {"deadline_kind": "monthly_submission"}
    assert eng.runtime.decisions.decide("deadline_roll", "340722", inputs, seq=before)["roll_policy"] == "next_workday"
    county = original.replace('<text>"next_workday"</text>\n        </outputEntry>\n        <outputEntry id="rule_001_inclusive">',
                              '<text>"previous_workday"</text>\n        </outputEntry>\n        <outputEntry id="rule_001_inclusive">', 1)
    assert county != original
    eng.deploy("340722", [DefinitionFile("deadline_roll.dmn", county)], "test", "county roll")
    assert eng.runtime.decisions.decide("deadline_roll", "340722", inputs)["roll_policy"] == "previous_workday"
    assert eng.runtime.decisions.decide("deadline_roll", "340722", inputs, seq=before)["roll_policy"] == "next_workday"
    assert eng.runtime.decisions.decide("deadline_roll", "340700", inputs)["roll_policy"] == "next_workday"
    for _ in range(2):  # a miss is remembered too, and still raises
        with pytest.raises(LookupError):
            eng.runtime.decisions.decide("no_such_decision", "340722", {})


START_FORM_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_defaults" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="probe_defaults" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" camunda:formRef="probe_start_form" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_look" />
    <bpmn:userTask id="Task_look" name="看" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_look" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def _start_form(default: str, items: list) -> str:
    import json

    return json.dumps({"id": "probe_start_form", "type": "default", "components": [
        {"key": "route", "type": "select", "label": "route", "defaultValue": default,
         "values": [{"label": v, "value": v} for v in ("a", "b")]},
        {"key": "tags", "type": "checklist", "label": "tags", "defaultValue": items,
         "values": [{"label": v, "value": v} for v in ("x", "y")]}]})


def _start_data(eng, business_key: str) -> dict:
    import sqlalchemy as sa

    from engine.store.models import HumanTask

    with eng.runtime.reading() as s:
        task = s.scalar(sa.select(HumanTask).where(HumanTask.business_key == business_key))
        _row, wf, _pspec, _se = eng.runtime.load(s, task.instance_id)
    return dict(wf.get_task_from_id(__import__("uuid").UUID(task.id)).data)


def test_start_form_defaults_follow_a_new_form_version(eng):
    from engine.definitions import DefinitionFile

    eng.deploy("000000", [DefinitionFile("probe_defaults.bpmn", START_FORM_PROCESS),
                          DefinitionFile("probe_start_form.json", _start_form("a", ["x"]))], "test")
    eng.start("probe_defaults", "340722", "BK-d1", {}, "test")
    eng.start("probe_defaults", "340722", "BK-d2", {"route": "b"}, "test")
    first, second = _start_data(eng, "BK-d1"), _start_data(eng, "BK-d2")
    assert (first["route"], first["tags"]) == ("a", ["x"])
    assert second["route"] == "b", "a given variable wins over the form's default"
    eng.deploy("000000", [DefinitionFile("probe_start_form.json", _start_form("b", ["y"]))], "test")
    eng.start("probe_defaults", "340722", "BK-d3", {}, "test")
    third = _start_data(eng, "BK-d3")
    assert (third["route"], third["tags"]) == ("b", ["y"])
