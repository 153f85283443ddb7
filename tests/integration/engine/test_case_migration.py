"""Running cases moved to a newer version in bulk: a dry run lists what would happen, the real run moves what
can move, a case whose wait state is gone is refused with the reason, and history records each move."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.store.models import Definition, HistoryEvent, HumanTask, Instance
from tests.support.people import person

from tests.integration.engine.conftest import APPROVE_THEN_WITHDRAW

V2 = (APPROVE_THEN_WITHDRAW
      .replace('id="Task_approve" name="审批"', 'id="Task_review" name="复核"')
      .replace('targetRef="Task_approve"', 'targetRef="Task_review"')
      .replace('sourceRef="Task_approve"', 'sourceRef="Task_review"')
      .replace('id="Task_withdraw" name="提取"', 'id="Task_withdraw_v2" name="提取（新）"')
      .replace('targetRef="Task_withdraw"', 'targetRef="Task_withdraw_v2"')
      .replace('<bpmn:sequenceFlow id="f4" sourceRef="Task_withdraw" targetRef="EndEvent_1" />',
               '<bpmn:sequenceFlow id="f4" sourceRef="Task_withdraw_v2" targetRef="Task_confirm" />'
               '<bpmn:userTask id="Task_confirm" name="确认到账" camunda:candidateGroups="hrss" />'
               '<bpmn:sequenceFlow id="f5" sourceRef="Task_confirm" targetRef="EndEvent_1" />'))


def _case(eng, roster, probe, seq):
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=seq))
    return eng.start(probe, "340722", f"BK-{seq}", {"id_number": p["id_number"], "name": p["name"],
                                                   "bank_card": p["bank_card"]}, "test")


def _open_task(eng, iid):
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid, HumanTask.status == "open"))


def test_cases_waiting_at_several_points_move_or_are_refused_with_reasons(eng, client, login, roster, probe):
    at_approval = _case(eng, roster, probe, 71)
    at_withdrawal = _case(eng, roster, probe, 73)
    eng.complete_task(_open_task(eng, at_withdrawal).id, {"decision": "approve"}, "zy_hrss")
    real = eng.runtime.handlers["housing_fund.withdraw"]
    eng.runtime.handlers["housing_fund.withdraw"] = lambda ctx: (_ for _ in ()).throw(ConnectionError("down"))
    eng.run_due_jobs()  # the seal runs; the withdrawal fails and waits for its retry
    eng.runtime.handlers["housing_fund.withdraw"] = real

    eng.deploy("000000", [DefinitionFile("probe_withdrawal.bpmn", V2)], "policy", "review + confirm")
    with eng.runtime.reading() as s:
        v1, v2 = s.scalars(sa.select(Definition).where(Definition.key == probe).order_by(Definition.version)).all()
    officer = login("policy")
    body = {"from_definition": v1.id, "to_definition": v2.id, "dry_run": True}

    dry = client.post("/api/migrations", headers=officer, json=body).json
    assert dry["moved"] == 0 and dry["refused"] == 2
    reasons = {i["instance_id"]: i["reason"] for i in dry["items"]}
    assert "Task_approve (a wait state)" in reasons[at_approval]
    assert "Task_approve (an element the case already passed)" in reasons[at_withdrawal]

    body["mappings"] = {"Task_approve": "Task_review"}
    dry = client.post("/api/migrations", headers=officer, json=body).json
    by_id = {i["instance_id"]: i for i in dry["items"]}
    assert by_id[at_approval]["outcome"] == "move" and by_id[at_approval]["to_activities"] == ["Task_review"]
    assert by_id[at_withdrawal]["outcome"] == "refuse"
    assert "Task_withdraw (a wait state) does not exist in version 2" in by_id[at_withdrawal]["reason"]
    with eng.runtime.reading() as s:
        assert s.get(Instance, at_approval).definition_id == v1.id, "a dry run changes nothing"

    body["dry_run"] = False
    real_run = client.post("/api/migrations", headers=officer, json=body).json
    assert (real_run["moved"], real_run["refused"]) == (1, 1)
    with eng.runtime.reading() as s:
        assert s.get(Instance, at_approval).definition_id == v2.id
        assert s.get(Instance, at_withdrawal).definition_id == v1.id
        assert s.scalar(sa.select(HistoryEvent.kind).where(HistoryEvent.instance_id == at_approval,
                                                           HistoryEvent.kind == "migrated")) == "migrated"
    task = _open_task(eng, at_approval)
    assert task.activity_id == "Task_review"
    eng.complete_task(task.id, {"decision": "approve"}, "zy_hrss")
    eng.run_due_jobs()
    assert _open_task(eng, at_approval).activity_id == "Task_confirm", "the moved case follows version 2"
