"""A handler's ``ctx.settings`` is one shared read-only view of the locality's settings: no copy per call, and
no handler can change what the next call (or the engine) reads."""
from __future__ import annotations

import copy
import pickle
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from engine import Engine
from engine.clock import FakeClock
from engine.definitions import DefinitionFile
from engine.store.models import Base, HumanTask, Locality
from handlers.context import ReadOnlyDict, ReadOnlyList, read_only

SETTINGS = {"sms": {"templates": {"accepted": "您的申请已受理"}}, "items": [{"code": "pension", "name": "养老金"}]}

TWO_TASKS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_st" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="settings_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_change" />
    <bpmn:serviceTask id="Task_change" camunda:type="external" camunda:topic="probe.change" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_change" targetRef="Task_read" />
    <bpmn:serviceTask id="Task_read" camunda:type="external" camunda:topic="probe.read" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_read" targetRef="Task_wait" />
    <bpmn:userTask id="Task_wait" camunda:candidateGroups="hrss" />
    <bpmn:sequenceFlow id="f4" sourceRef="Task_wait" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_read_only_copy_refuses_every_change_and_copies_of_it_are_plain():
    view = read_only(SETTINGS)
    assert view == SETTINGS and isinstance(view, dict) and isinstance(view["items"], list)
    for change in (lambda: view.__setitem__("x", 1), lambda: view["sms"].update(x=1), lambda: view.pop("sms"),
                   lambda: view["items"].append({}), lambda: view["items"][0].__setitem__("name", "x"),
                   lambda: view["items"].sort()):
        with pytest.raises(TypeError):
            change()
    for made in (dict(view), copy.copy(view), copy.deepcopy(view), pickle.loads(pickle.dumps(view))):
        assert made == SETTINGS and type(made) is dict
    deep = copy.deepcopy(view)
    assert type(deep["items"]) is list and type(deep["items"][0]) is dict
    deep["items"].append({})   # a copy may change
    assert view == SETTINGS


def test_a_handler_cannot_change_the_settings_the_next_call_reads():
    db = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(db)
    with db.begin() as conn:
        conn.execute(sa.insert(Locality).values(code="000000", name="全国", parent=None, level="nation",
                                                path="/000000/", settings=SETTINGS))
    seen, refused = [], []

    def change(ctx):
        try:
            ctx.settings["sms"]["templates"]["accepted"] = "changed"
        except TypeError as exc:
            refused.append(str(exc))
        return {}

    def read(ctx):
        seen.append(ctx.settings)
        return {}

    eng = Engine(db_engine=db, clock=FakeClock(datetime(2026, 3, 2, 9)),
                 handlers={"probe.change": change, "probe.read": read})
    eng.deploy("000000", [DefinitionFile("settings_probe.bpmn", TWO_TASKS)], "test", "probe")
    iid = eng.start("settings_probe", "000000", "bk-1", {}, "test")
    assert len(refused) == 1 and "read-only" in refused[0]
    assert seen == [SETTINGS] and isinstance(seen[0], ReadOnlyDict) and isinstance(seen[0]["items"], ReadOnlyList)
    assert eng.runtime.localities.settings("000000") == SETTINGS
    iid2 = eng.start("settings_probe", "000000", "bk-2", {}, "test")
    assert seen[1] is seen[0], "one view for every call: nothing is copied per call"
    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(HumanTask)
                        .where(HumanTask.instance_id.in_([iid, iid2]))) == 2
