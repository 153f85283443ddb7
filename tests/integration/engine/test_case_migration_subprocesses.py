"""Cases waiting inside a called process or an embedded sub-process move to a newer version in the same bulk
run as cases waiting in the main process; the called process runs on at its own target version."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.store.models import Definition, HistoryEvent, HumanTask, Instance, Job
from tests.integration.engine.subprocess_probes import (FLEX_V1, FLEX_V2, JOINT_V1, JOINT_V2, TWICE, TWICE_CALLED_V1,
                                                       TWICE_CALLED_V2)
from tests.support.people import person


def _deploy(eng, joint, flex, note):
    eng.deploy("000000", [DefinitionFile("probe_flexible.bpmn", flex), DefinitionFile("probe_joint.bpmn", joint)],
               "policy", note)
    with eng.runtime.reading() as s:
        return {key: s.scalars(sa.select(Definition).where(Definition.key == key)
                               .order_by(Definition.version.desc())).first()
                for key in ("probe_joint", "probe_flexible")}


def _start(eng, roster, seq):
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=seq))
    return eng.start("probe_joint", "340722", f"BK-J{seq}", {"id_number": p["id_number"], "name": p["name"]}, "test")


def _open(eng, iid):
    with eng.runtime.reading() as s:
        return s.scalars(sa.select(HumanTask).where(HumanTask.instance_id == iid, HumanTask.status == "open")).all()


def _complete(eng, iid, activity):
    (task,) = [t for t in _open(eng, iid) if t.activity_id == activity]
    eng.complete_task(task.id, {}, "zy_hrss")


def _at(eng, iid):
    with eng.runtime.reading() as s:
        return [w["activity_id"] for w in s.get(Instance, iid).waiting_in]


def _snapshot(eng, ids):
    with eng.runtime.reading() as s:
        rows = {i: s.get(Instance, i) for i in ids}
        tasks = s.scalars(sa.select(HumanTask).where(HumanTask.instance_id.in_(ids))).all()
        return ({i: (r.definition_id, r.subprocess_definitions, r.state) for i, r in rows.items()},
                sorted((t.id, t.activity_id, t.name, t.status) for t in tasks))


def test_cases_inside_a_called_process_and_an_embedded_sub_process_move_with_the_main_process_ones(
        eng, client, login, roster):
    v1 = _deploy(eng, JOINT_V1, FLEX_V1, "probe v1")
    at_intake = _start(eng, roster, 81)
    at_review = _start(eng, roster, 83)
    _complete(eng, at_review, "Task_intake")
    at_collect, at_sign = _start(eng, roster, 85), _start(eng, roster, 87)
    for case in (at_collect, at_sign):
        _complete(eng, case, "Task_intake")
        _complete(eng, case, "Task_flex_review")
    eng.run_due_jobs()  # both seals run inside the called process; the cases enter Sub_docs
    _complete(eng, at_sign, "Task_collect")
    at_seal = _start(eng, roster, 89)
    _complete(eng, at_seal, "Task_intake")
    _complete(eng, at_seal, "Task_flex_review")
    real = eng.runtime.handlers["housing_fund.seal_account"]
    eng.runtime.handlers["housing_fund.seal_account"] = lambda ctx: (_ for _ in ()).throw(ConnectionError("down"))
    eng.run_due_jobs()  # this seal fails and waits for its retry, inside the called process
    eng.runtime.handlers["housing_fund.seal_account"] = real
    cases = [at_intake, at_review, at_seal, at_collect, at_sign]
    assert [_at(eng, c) for c in cases] == [["Task_intake"], ["Task_flex_review"], ["Task_flex_seal"],
                                            ["Task_collect"], ["Task_sign"]]
    with eng.runtime.reading() as s:
        seal_job = s.scalar(sa.select(Job).where(Job.instance_id == at_seal, Job.status == "ready"))
    review_task = _open(eng, at_review)[0]

    v2 = _deploy(eng, JOINT_V2, FLEX_V2, "probe v2: stamp instead of sign; flexible check and confirm")
    officer = login("policy")
    body = {"from_definition": v1["probe_joint"].id, "to_definition": v2["probe_joint"].id, "dry_run": True}
    before = _snapshot(eng, cases)

    dry = client.post("/api/migrations", headers=officer, json=body).json
    reasons = {i["instance_id"]: i["reason"] for i in dry["items"]}
    assert (dry["moved"], dry["refused"]) == (1, 4) and reasons[at_intake] == ""
    assert reasons[at_review] == ("Task_flex_review (a wait state in called process probe_flexible) does not exist "
                                  "in probe_flexible version 2; map it to an element")
    assert reasons[at_seal].startswith("Task_flex_review (an element the case already passed in called process "
                                       "probe_flexible)")

    body["mappings"] = {"Task_flex_review": "Task_flex_check"}
    dry = client.post("/api/migrations", headers=officer, json=body).json
    by_id = {i["instance_id"]: i for i in dry["items"]}
    assert [by_id[c]["outcome"] for c in cases] == ["move", "move", "move", "move", "refuse"]
    assert by_id[at_review]["to_activities"] == ["Task_flex_check"]
    assert by_id[at_sign]["reason"] == ("Task_sign (a wait state in sub-process Sub_docs) does not exist in "
                                        "version 2; map it to an element")
    assert _snapshot(eng, cases) == before, "a dry run changes nothing"

    body["dry_run"] = False
    run = client.post("/api/migrations", headers=officer, json=body).json
    assert (run["moved"], run["refused"]) == (4, 1)
    with eng.runtime.reading() as s:
        for case in cases[:4]:
            row = s.get(Instance, case)
            assert (row.definition_id, row.subprocess_definitions) == (
                v2["probe_joint"].id, {"probe_flexible": v2["probe_flexible"].id})
            event = s.scalar(sa.select(HistoryEvent).where(HistoryEvent.instance_id == case,
                                                           HistoryEvent.kind == "migrated"))
            assert event.details["to_subprocesses"] == {"probe_flexible": v2["probe_flexible"].id}
        refused = s.get(Instance, at_sign)
        assert (refused.definition_id, refused.subprocess_definitions) == (
            v1["probe_joint"].id, {"probe_flexible": v1["probe_flexible"].id}), "the refused case stays as it was"
        assert s.scalar(sa.select(HistoryEvent).where(HistoryEvent.instance_id == at_sign,
                                                      HistoryEvent.kind == "migrated")) is None
        moved_job = s.get(Job, seal_job.id)
        assert (moved_job.status, moved_job.activity_name) == ("ready", "封存公积金账户")

    (task,) = _open(eng, at_review)
    assert (task.id, task.activity_id, task.name, task.form_ref) == (
        review_task.id, "Task_flex_check", "复核", "approval_form"), "the open task keeps its id, with v2's element"
    eng.complete_task(task.id, {}, "zy_hrss")
    eng.run_due_jobs()
    assert _at(eng, at_review) == ["Task_flex_confirm"], "the called process runs on at its version 2"
    _complete(eng, at_review, "Task_flex_confirm")
    assert _at(eng, at_review) == ["Task_collect"], "and returns to the main process"

    eng.runtime.clock.advance(seconds=31)
    eng.run_due_jobs()  # the retried seal now succeeds, then version 2's confirmation follows it
    assert _at(eng, at_seal) == ["Task_flex_confirm"]

    _complete(eng, at_collect, "Task_collect")
    assert _at(eng, at_collect) == ["Task_stamp"], "the embedded sub-process runs on at version 2"
    _complete(eng, at_collect, "Task_stamp")
    assert _at(eng, at_collect) == ["Task_close"]

    _complete(eng, at_intake, "Task_intake")
    assert _at(eng, at_intake) == ["Task_flex_check"], "a case that had not reached the call starts version 2"

    _complete(eng, at_sign, "Task_sign")
    assert _at(eng, at_sign) == ["Task_close"], "the refused case runs on at version 1"


def test_a_case_inside_a_called_process_moves_to_its_new_version_while_the_main_process_keeps_its_own(eng):
    files = [DefinitionFile("probe_twice_called.bpmn", TWICE_CALLED_V1), DefinitionFile("probe_twice.bpmn", TWICE)]
    eng.deploy("000000", files, "policy", "v1")
    case = eng.start("probe_twice", "340722", "BK-TWICE", {}, "test")
    _complete(eng, case, "Task_check")
    assert _at(eng, case) == ["Task_check"], "now the called process's Task_check"
    eng.deploy("000000", [DefinitionFile("probe_twice_called.bpmn", TWICE_CALLED_V2),
                          DefinitionFile("probe_twice.bpmn", TWICE)], "policy", "called process v2 only")
    with eng.runtime.reading() as s:
        (main,) = s.scalars(sa.select(Definition).where(Definition.key == "probe_twice")).all()
        called_v2 = s.scalar(sa.select(Definition).where(Definition.key == "probe_twice_called",
                                                         Definition.version == 2))

    def migrate(mappings, dry_run=True):
        (outcome,) = eng.migrate_instances(main.id, main.id, mappings, dry_run=dry_run, actor="policy")
        return outcome

    assert migrate({}).reason == ("Task_check (in called process probe_twice_called) is a UserTask "
                                  "but Task_check is a IntermediateCatchEvent")
    assert migrate({"Task_check": "Task_check_again"}).reason == (
        "the mapping Task_check → Task_check_again is ambiguous: Task_check is an element of probe_twice and "
        "probe_twice_called; write it as probe_twice:Task_check or probe_twice_called:Task_check")
    moved = migrate({"probe_twice_called:Task_check": "Task_check_again"}, dry_run=False)
    assert (moved.outcome, moved.to_activities) == ("move", ["Task_check_again"])
    with eng.runtime.reading() as s:
        row = s.get(Instance, case)
        assert (row.definition_id, row.subprocess_definitions) == (main.id, {"probe_twice_called": called_v2.id})

    _complete(eng, case, "Task_check_again")
    with eng.runtime.reading() as s:
        assert s.get(Instance, case).status == "completed", "back in the main process, which then ends"
