"""A service task's handler decides with the tables deployed for the case's locality: a county that deploys its
own pension_divisor gets its own divisor, through the same ``ctx.decide`` the engine gives every handler."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from SpiffWorkflow import TaskState
from sqlalchemy.pool import StaticPool

from engine import Engine
from engine.clock import FakeClock
from engine.definitions import DefinitionFile
from engine.store.models import Base, Locality
from handlers import social_insurance
from handlers.fakes import FakeContributions, FakePension, FakeRoster, fake_ports
from handlers.personal import birth_date_from_id, make_id_number

NATIONAL = Path(__file__).resolve().parents[3] / "processes" / "000000"
WANG = make_id_number("340722", datetime(1966, 3, 15).date(), 17)

PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_pd" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="pd_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_pension" />
    <bpmn:serviceTask id="Task_pension" name="核定养老金" camunda:type="external" camunda:topic="social_insurance.compute_pension" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_pension" targetRef="Task_look" />
    <bpmn:userTask id="Task_look" name="查看" camunda:candidateGroups="social_insurance" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_look" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""
SETTINGS = {"pension": {"base_monthly": "7000", "transitional_coefficient": "0.012"}}


def _engine() -> Engine:
    db = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(db)
    with db.begin() as conn:
        conn.execute(sa.insert(Locality), [
            dict(code="000000", name="全国", parent=None, level="nation", path="/000000/", settings=SETTINGS),
            dict(code="340722", name="枞阳县", parent="000000", level="county", path="/000000/340722/", settings={}),
            dict(code="220000", name="吉林省", parent="000000", level="province", path="/000000/220000/",
                 settings={})])
    contributions = FakeContributions()
    contributions.add(WANG, kind="actual", locality="340722", start_month="1996-01", end_month="2025-12",
                      wage_index=1)
    ports = fake_ports(roster=FakeRoster([{"id_number": WANG, "birth_date_id_card": birth_date_from_id(WANG),
                                           "birth_date_file": None}]),
                       contributions=contributions,
                       pension=FakePension({WANG: {"status": "active", "balance": "139000"}}))
    eng = Engine(db_engine=db, clock=FakeClock(datetime(2026, 3, 2, 9)), ports=ports,
                 handlers={"social_insurance.compute_pension": social_insurance.compute_pension})
    table = (NATIONAL / "pension_divisor.dmn").read_text(encoding="utf-8")
    eng.deploy("000000", [DefinitionFile("pd_probe.bpmn", PROBE), DefinitionFile("pension_divisor.dmn", table)],
               "policy", "national")
    # Zongyang's policy officer changes the divisor of age 60 and deploys the table as the county's own
    county = table.replace("round_half_up(139 - (139 - 132)", "round_half_up(100 - (100 - 132)", 1)
    assert county != table
    eng.deploy("340722", [DefinitionFile("pension_divisor.dmn", county)], "policy_zy", "county divisor")
    return eng


def _pension(eng, locality: str) -> dict:
    iid = eng.start("pd_probe", locality, f"bk-{locality}", {"id_number": WANG, "retirement_date": "2026-03-01"},
                    "test")
    with eng.runtime.reading() as session:
        _row, wf, _pspec, _se = eng.runtime.load(session, iid)
        [task] = wf.get_tasks(state=TaskState.READY)
        return task.data["pension"]


def test_the_county_override_of_the_divisor_reaches_the_handler_and_the_nation_keeps_its_own():
    eng = _engine()
    zongyang, jilin = _pension(eng, "340722"), _pension(eng, "220000")
    assert (zongyang["divisor"], zongyang["account"]) == ("100", "1390.00")
    assert (jilin["divisor"], jilin["account"]) == ("139", "1000.00")
