"""Probe processes with a call activity and an embedded sub-process, in two versions each, for migration tests.

probe_joint: 受理 (Task_intake) → call activity Call_flex (calledElement probe_flexible) → embedded
sub-process Sub_docs → 办结 (Task_close). Version 2 of Sub_docs replaces 签字 (Task_sign) by 盖章 (Task_stamp).

probe_flexible (the called process, its own file): 审核 (Task_flex_review) → 封存 (Task_flex_seal, a service
task). Version 2 renames the review to Task_flex_check (复核), renames the seal's label and adds 确认
(Task_flex_confirm) after it.
"""
from __future__ import annotations

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
         'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_{key}" targetNamespace="http://retire.gov.cn/bpmn">\n')
_TAIL = "</bpmn:definitions>\n"


def bpmn(key: str, body: str) -> str:
    return _HEAD.format(key=key) + body + _TAIL


def _joint(sub_docs: str) -> str:
    return bpmn("probe_joint", f"""  <bpmn:process id="probe_joint" name="探针：受理、弹性退休、材料、办结" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_intake" />
    <bpmn:userTask id="Task_intake" name="受理" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_intake" targetRef="Call_flex" />
    <bpmn:callActivity id="Call_flex" name="弹性退休" calledElement="probe_flexible" />
    <bpmn:sequenceFlow id="f3" sourceRef="Call_flex" targetRef="Sub_docs" />
    <bpmn:subProcess id="Sub_docs" name="材料">
{sub_docs}    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f4" sourceRef="Sub_docs" targetRef="Task_close" />
    <bpmn:userTask id="Task_close" name="办结" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f5" sourceRef="Task_close" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
""")


JOINT_V1 = _joint("""      <bpmn:startEvent id="Sub_start" />
      <bpmn:sequenceFlow id="s1" sourceRef="Sub_start" targetRef="Task_collect" />
      <bpmn:userTask id="Task_collect" name="收集材料" camunda:candidateGroups="hrss" />
      <bpmn:sequenceFlow id="s2" sourceRef="Task_collect" targetRef="Task_sign" />
      <bpmn:userTask id="Task_sign" name="签字" camunda:candidateGroups="hrss" />
      <bpmn:sequenceFlow id="s3" sourceRef="Task_sign" targetRef="Sub_end" />
      <bpmn:endEvent id="Sub_end" />
""")

JOINT_V2 = _joint("""      <bpmn:startEvent id="Sub_start" />
      <bpmn:sequenceFlow id="s1" sourceRef="Sub_start" targetRef="Task_collect" />
      <bpmn:userTask id="Task_collect" name="收集材料" camunda:candidateGroups="hrss" />
      <bpmn:sequenceFlow id="s2" sourceRef="Task_collect" targetRef="Task_stamp" />
      <bpmn:userTask id="Task_stamp" name="盖章" camunda:candidateGroups="hrss" />
      <bpmn:sequenceFlow id="s3" sourceRef="Task_stamp" targetRef="Sub_end" />
      <bpmn:endEvent id="Sub_end" />
""")

FLEX_V1 = bpmn("probe_flexible", """  <bpmn:process id="probe_flexible" name="探针：弹性退休" isExecutable="true">
    <bpmn:startEvent id="Flex_start" />
    <bpmn:sequenceFlow id="g1" sourceRef="Flex_start" targetRef="Task_flex_review" />
    <bpmn:userTask id="Task_flex_review" name="审核" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="g2" sourceRef="Task_flex_review" targetRef="Task_flex_seal" />
    <bpmn:serviceTask id="Task_flex_seal" name="封存" camunda:asyncBefore="true" camunda:type="external" camunda:topic="housing_fund.seal_account" />
    <bpmn:sequenceFlow id="g3" sourceRef="Task_flex_seal" targetRef="Flex_end" />
    <bpmn:endEvent id="Flex_end" />
  </bpmn:process>
""")

FLEX_V2 = bpmn("probe_flexible", """  <bpmn:process id="probe_flexible" name="探针：弹性退休" isExecutable="true">
    <bpmn:startEvent id="Flex_start" />
    <bpmn:sequenceFlow id="g1" sourceRef="Flex_start" targetRef="Task_flex_check" />
    <bpmn:userTask id="Task_flex_check" name="复核" camunda:candidateGroups="hrss" camunda:formRef="approval_form" />
    <bpmn:sequenceFlow id="g2" sourceRef="Task_flex_check" targetRef="Task_flex_seal" />
    <bpmn:serviceTask id="Task_flex_seal" name="封存公积金账户" camunda:asyncBefore="true" camunda:type="external" camunda:topic="housing_fund.seal_account" />
    <bpmn:sequenceFlow id="g3" sourceRef="Task_flex_seal" targetRef="Task_flex_confirm" />
    <bpmn:userTask id="Task_flex_confirm" name="确认" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="g4" sourceRef="Task_flex_confirm" targetRef="Flex_end" />
    <bpmn:endEvent id="Flex_end" />
  </bpmn:process>
""")


# probe_twice: its own 核对 (Task_check) then a call of probe_twice_called, which has a Task_check too.
TWICE = bpmn("probe_twice", """  <bpmn:process id="probe_twice" name="探针：两级核对" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_check" />
    <bpmn:userTask id="Task_check" name="核对" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_check" targetRef="Call_twice" />
    <bpmn:callActivity id="Call_twice" name="再核对" calledElement="probe_twice_called" />
    <bpmn:sequenceFlow id="f3" sourceRef="Call_twice" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
""")

TWICE_CALLED_V1 = bpmn("probe_twice_called", """  <bpmn:process id="probe_twice_called" name="探针：再核对" isExecutable="true">
    <bpmn:startEvent id="Called_start" />
    <bpmn:sequenceFlow id="c1" sourceRef="Called_start" targetRef="Task_check" />
    <bpmn:userTask id="Task_check" name="核对" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="c2" sourceRef="Task_check" targetRef="Called_end" />
    <bpmn:endEvent id="Called_end" />
  </bpmn:process>
""")

# Version 2: Task_check is now a one-hour wait, followed by the user task Task_check_again.
TWICE_CALLED_V2 = bpmn("probe_twice_called", """  <bpmn:process id="probe_twice_called" name="探针：再核对" isExecutable="true">
    <bpmn:startEvent id="Called_start" />
    <bpmn:sequenceFlow id="c1" sourceRef="Called_start" targetRef="Task_check" />
    <bpmn:intermediateCatchEvent id="Task_check" name="等待一小时">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="c2" sourceRef="Task_check" targetRef="Task_check_again" />
    <bpmn:userTask id="Task_check_again" name="复核" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="c3" sourceRef="Task_check_again" targetRef="Called_end" />
    <bpmn:endEvent id="Called_end" />
  </bpmn:process>
""")
