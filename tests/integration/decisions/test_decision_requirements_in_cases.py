"""A DRD deployed by a policy officer runs whole in a case's business rule task and in `retire decide`:
the required decision is evaluated first, and a table that gives the process nothing stops the case loudly."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.dmn import NoMatchingRule
from engine.queries import variables_of
from engine.store.models import HumanTask, Instance

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dmn_drd"

ROUTE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="claim_route" name="报销流转" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="Task_approvers" name="确定审批组" camunda:decisionRef="approver_group"
        camunda:resultVariable="approvers" camunda:mapDecisionResult="collectEntries">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>
    <bpmn:userTask id="Task_review" name="审批" camunda:candidateGroups="hrss">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_approvers" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_approvers" targetRef="Task_review" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_review" targetRef="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def _deploy(eng):
    dmn = (FIXTURES / "claim_routing.dmn").read_text(encoding="utf-8")
    eng.deploy("340722", [DefinitionFile("claim_routing.dmn", dmn), DefinitionFile("claim_route.bpmn", ROUTE)],
               "test", "drd")


def test_a_business_rule_task_on_a_drd_evaluates_the_required_classification_first(eng):
    _deploy(eng)
    case = eng.start("claim_route", "340722", "BK-DRD-1", {"amount": 300, "claim_category": "office"}, "test")
    with eng.runtime.reading() as s:
        data = variables_of(eng.runtime, s, s.get(Instance, case))
        open_tasks = s.scalars(sa.select(HumanTask.activity_id).where(HumanTask.instance_id == case)).all()
    assert data["approvers"] == ["finance", "bureau_head"]
    assert open_tasks == ["Task_review"]


def test_a_business_rule_task_whose_table_matched_nothing_names_the_table_and_the_inputs(eng):
    _deploy(eng)
    with pytest.raises(NoMatchingRule) as raised:
        eng.start("claim_route", "340722", "BK-DRD-2", {"amount": 300, "claim_category": "equipment"}, "test")
    assert "确定审批组" in str(raised.value) and "approver_group" in str(raised.value)
    assert "claim_class = null" in str(raised.value)


def test_the_engine_decides_a_decision_that_requires_another(eng):
    _deploy(eng)
    assert eng.runtime.decisions.decide("approver_group", "340722", {"amount": 80, "claim_category": "travel"}) == [
        {"approver_group": "finance"}, {"approver_group": "bureau_head"}]
    assert eng.runtime.decisions.decide("claim_class", "340722", {"amount": 5000, "claim_category": "office"}) == {
        "claim_class": "exceptional"}


def test_retire_decide_evaluates_a_drd_decision(eng, database_url, monkeypatch):
    from click.testing import CliRunner

    from api.cli import main
    from api.config import Config

    _deploy(eng)
    monkeypatch.setattr(Config, "DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["decide", "approver_group", "--locality", "340722",
                                       "--input", "amount=120", "--input", "claim_category=office"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"approver_group": "finance"}]
