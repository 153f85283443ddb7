"""A case waiting in a multi-instance body still merges its instances when the specs were parsed afresh
(a restarted server, or another process's worker), not only in the process that created the instances."""
from __future__ import annotations

import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.parsed import forget as forget_parsed
from engine.specs import SpecCache
from engine.store.models import HumanTask

EACH_THEN_CLOSE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_probe_each" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="probe_each" name="探针：逐项核对后办结" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_check_each" />
    <bpmn:userTask id="Task_check_each" name="逐项核对" camunda:candidateGroups="hrss">
      <bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_check_each" targetRef="Task_close" />
    <bpmn:userTask id="Task_close" name="办结" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_close" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def open_activities(eng, instance_id):
    with eng.runtime.reading() as s:
        return sorted(s.scalars(sa.select(HumanTask.activity_id).where(HumanTask.instance_id == instance_id,
                                                                         HumanTask.status == "open")))


def test_a_multi_instance_case_merges_its_instances_after_the_specs_are_parsed_again(eng):
    eng.deploy("000000", [DefinitionFile("probe_each.bpmn", EACH_THEN_CLOSE)], "test", "probe")
    case = eng.start("probe_each", "340722", "BK-EACH", {}, "test")
    assert open_activities(eng, case) == ["Task_check_each", "Task_check_each"]

    eng.runtime.specs = SpecCache()  # what a restarted server holds: specs parsed from the stored files, no instance yet
    forget_parsed()                  # ... and no file read yet
    with eng.runtime.reading() as s:
        tasks = s.scalars(sa.select(HumanTask.id).where(HumanTask.instance_id == case)).all()
    for task_id in tasks:
        eng.complete_task(task_id, {}, "zy_hrss")

    assert open_activities(eng, case) == ["Task_close"], "both instances merged and the case moved on"
