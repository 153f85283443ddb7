"""A case waiting inside a multi-instance body moves only to a version that runs the body the same way; its
finished and open instances carry over and the moved case merges them and runs on at the target."""
from __future__ import annotations

import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.store.models import Definition, HumanTask, Instance
from tests.integration.engine.test_multi_instance_restart import EACH_THEN_CLOSE, open_activities

THEN_ARCHIVE = EACH_THEN_CLOSE.replace(
    '<bpmn:sequenceFlow id="f3" sourceRef="Task_close" targetRef="EndEvent_1" />',
    '<bpmn:sequenceFlow id="f3" sourceRef="Task_close" targetRef="Task_archive" />'
    '<bpmn:userTask id="Task_archive" name="归档" camunda:candidateGroups="hrss" />'
    '<bpmn:sequenceFlow id="f4" sourceRef="Task_archive" targetRef="EndEvent_1" />')
THREE_INSTANCES = THEN_ARCHIVE.replace("<bpmn:loopCardinality>2</bpmn:loopCardinality>",
                                       "<bpmn:loopCardinality>3</bpmn:loopCardinality>")


def _deploy(eng, content, note):
    eng.deploy("000000", [DefinitionFile("probe_each.bpmn", content)], "policy", note)
    with eng.runtime.reading() as s:
        return s.scalars(sa.select(Definition).where(Definition.key == "probe_each")
                         .order_by(Definition.version.desc())).first()


def _open_ids(eng, case):
    with eng.runtime.reading() as s:
        return s.scalars(sa.select(HumanTask.id).where(HumanTask.instance_id == case, HumanTask.status == "open")
                         .order_by(HumanTask.created_at, HumanTask.id)).all()


def test_a_case_inside_a_multi_instance_body_is_refused_when_the_target_counts_its_instances_differently(eng):
    v1 = _deploy(eng, EACH_THEN_CLOSE, "two checks")
    case = eng.start("probe_each", "340722", "BK-EACH", {}, "test")
    first, second = _open_ids(eng, case)
    eng.complete_task(first, {}, "zy_hrss")

    v2 = _deploy(eng, THREE_INSTANCES, "three checks, then archive")
    (refused,) = eng.migrate_instances(v1.id, v2.id, {}, dry_run=False, actor="policy")
    assert refused.outcome == "refuse"
    assert refused.reason == ("the case waits inside a multi-instance body: Task_check_each counts or collects "
                              "its instances differently in version 2")

    v3 = _deploy(eng, THEN_ARCHIVE, "two checks, then archive")
    (moved,) = eng.migrate_instances(v1.id, v3.id, {}, dry_run=False, actor="policy")
    assert (moved.outcome, moved.to_activities) == ("move", ["Task_check_each"])
    with eng.runtime.reading() as s:
        assert s.get(Instance, case).definition_id == v3.id
    assert _open_ids(eng, case) == [second], "the open instance keeps its task id"

    eng.complete_task(second, {}, "zy_hrss")
    assert open_activities(eng, case) == ["Task_close"], "both instances merged under version 3"
    eng.complete_task(_open_ids(eng, case)[0], {}, "zy_hrss")
    assert open_activities(eng, case) == ["Task_archive"], "and the case follows version 3"
