"""A tiny process deployed into the test database, for behaviour that does not need the real retirement."""
from __future__ import annotations

import pytest

from engine.definitions import DefinitionFile

APPROVE_THEN_WITHDRAW = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_probe" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="probe_withdrawal" name="探针：审批后提取公积金" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_approve" />
    <bpmn:userTask id="Task_approve" name="审批" camunda:candidateGroups="hrss" camunda:formRef="approval_form" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_approve" targetRef="Task_seal" />
    <bpmn:serviceTask id="Task_seal" name="封存" camunda:asyncBefore="true" camunda:type="external" camunda:topic="housing_fund.seal_account" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_seal" targetRef="Task_withdraw" />
    <bpmn:serviceTask id="Task_withdraw" name="提取" camunda:asyncBefore="true" camunda:type="external" camunda:topic="housing_fund.withdraw">
      <bpmn:extensionElements><camunda:properties><camunda:property name="retries" value="3" /></camunda:properties></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f4" sourceRef="Task_withdraw" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def probe(eng):
    """Deploy the probe process nationally; returns its key."""
    eng.deploy("000000", [DefinitionFile("probe_withdrawal.bpmn", APPROVE_THEN_WITHDRAW)], "test", "probe")
    return "probe_withdrawal"
