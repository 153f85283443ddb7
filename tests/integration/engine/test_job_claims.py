"""Jobs are leased in batches: never to two workers, never started on a lease about to end, and the result
of a handler is applied to the case as it is when the job finishes."""
from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.runtime.jobs import LEASE
from engine.store.models import HistoryEvent, HumanTask, Instance, Job
from tests.conftest import ROOT
from tests.support.people import person


def _ready_jobs(eng, n: int) -> set[int]:
    now = eng.runtime.now()
    with eng.runtime.transaction() as s:
        jobs = [Job(instance_id=None, task_id=str(uuid.uuid4()), kind="message", topic="probe", activity_id="probe",
                    activity_name="probe", locality="340722", locality_path="/000000/340000/340700/340722/",
                    due_at=now - timedelta(seconds=1 + i % 5), status="ready", max_attempts=3,
                    payload={"name": "probe"}, created_at=now, updated_at=now) for i in range(n)]
        s.add_all(jobs)
        s.flush()
        return {j.id for j in jobs}


def test_two_engines_claiming_at_once_never_get_the_same_job(eng, database_url, clock):
    from engine.bootstrap import bootstrap

    other = bootstrap(database_url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                      worker_id="other-worker")
    try:
        for _round in range(3):
            all_ids = _ready_jobs(eng, 60)
            barrier, got = threading.Barrier(2), {eng.runtime.worker_id: [], other.runtime.worker_id: []}

            def claim_all(engine):
                barrier.wait()
                while True:
                    batch = engine.claim_due_jobs(7)
                    if not batch:
                        return
                    got[engine.runtime.worker_id].extend(j.id for j in batch)

            threads = [threading.Thread(target=claim_all, args=(e,)) for e in (eng, other)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            mine, theirs = got[eng.runtime.worker_id], got[other.runtime.worker_id]
            assert len(mine) == len(set(mine)) and len(theirs) == len(set(theirs))
            assert not set(mine) & set(theirs), "a job was leased to both workers"
            assert set(mine) | set(theirs) == all_ids
            with eng.runtime.reading() as s:
                owners = dict(s.execute(sa.select(Job.id, Job.lease_owner).where(Job.id.in_(all_ids))).all())
            assert all(owners[i] == eng.runtime.worker_id for i in mine) and all(owners[i] == other.runtime.worker_id for i in theirs)
            with eng.runtime.transaction() as s:
                s.execute(sa.update(Job).where(Job.id.in_(all_ids)).values(status="done"))
    finally:
        other.runtime.db.dispose()


def test_a_claim_takes_the_earliest_due_jobs_and_a_lease_that_expired_can_be_taken_again(eng, clock):
    ids = _ready_jobs(eng, 12)
    first = eng.claim_due_jobs(5)
    assert len(first) == 5
    with eng.runtime.reading() as s:
        due = dict(s.execute(sa.select(Job.id, Job.due_at).where(Job.id.in_(ids))).all())
    assert max(due[j.id] for j in first) <= min(due[i] for i in ids - {j.id for j in first})
    assert [j.due_at for j in first] == sorted(j.due_at for j in first)
    rest = eng.claim_due_jobs(50)
    assert {j.id for j in rest} == ids - {j.id for j in first}
    assert eng.claim_due_jobs(50) == [], "every job is leased"
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert {j.id for j in eng.claim_due_jobs(50)} == ids, "expired leases are claimed again"


def _approved_cases(eng, roster, probe, n: int) -> list[str]:
    ids = []
    for seq in range(n):
        p = roster(person(county="340722", born=date(1966, 10, 9), seq=40 + seq))
        iid = eng.start(probe, "340722", f"BK-batch-{seq}", {"id_number": p["id_number"], "name": p["name"],
                                                            "bank_card": p["bank_card"]}, "test")
        with eng.runtime.reading() as s:
            task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid))
        eng.complete_task(task.id, {"decision": "approve"}, "zy_hrss")
        ids.append(iid)
    return ids


def test_a_job_of_a_batch_is_not_started_once_its_lease_is_half_gone(eng, clock, roster, probe):
    cases = _approved_cases(eng, roster, probe, 3)
    real = eng.runtime.handlers["housing_fund.seal_account"]
    leases = []

    def slow_seal(ctx):
        with eng.runtime.reading() as s:
            job = s.scalar(sa.select(Job).where(Job.instance_id == ctx.instance_id, Job.task_id == ctx.task_id))
            leases.append((ctx.instance_id, job.lease_owner, job.lease_until - eng.runtime.now()))
        if len(leases) == 1:
            clock.advance(seconds=LEASE.total_seconds() * 0.75)  # the first seal takes most of a lease
        return real(ctx)

    eng.runtime.handlers["housing_fund.seal_account"] = slow_seal
    eng.run_due_jobs()
    assert sorted(c for c, _o, _left in leases) == sorted(cases), "every seal ran once"
    assert all(owner == eng.runtime.worker_id and left >= LEASE / 2 for _c, owner, left in leases), leases
    with eng.runtime.reading() as s:
        assert [s.get(Instance, c).status for c in cases] == ["completed"] * 3


PARALLEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_parallel" targetNamespace="http://retire.gov.cn/bpmn">
  <bpmn:process id="probe_parallel" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Fork" />
    <bpmn:parallelGateway id="Fork" />
    <bpmn:sequenceFlow id="f2" sourceRef="Fork" targetRef="Task_seal" />
    <bpmn:sequenceFlow id="f3" sourceRef="Fork" targetRef="Task_approve" />
    <bpmn:serviceTask id="Task_seal" name="封存" camunda:asyncBefore="true" camunda:type="external" camunda:topic="housing_fund.seal_account" />
    <bpmn:userTask id="Task_approve" name="审批" camunda:candidateGroups="hrss" camunda:formRef="approval_form" />
    <bpmn:sequenceFlow id="f4" sourceRef="Task_seal" targetRef="Join" />
    <bpmn:sequenceFlow id="f5" sourceRef="Task_approve" targetRef="Join" />
    <bpmn:parallelGateway id="Join" />
    <bpmn:sequenceFlow id="f6" sourceRef="Join" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_case_changed_while_its_handler_ran_gets_the_result_on_top_of_the_change(eng, roster):
    eng.deploy("000000", [DefinitionFile("probe_parallel.bpmn", PARALLEL)], "test")
    p = roster(person(county="340722", born=date(1966, 10, 9), seq=77))
    iid = eng.start("probe_parallel", "340722", "BK-parallel", {"id_number": p["id_number"], "name": p["name"],
                                                                 "bank_card": p["bank_card"]}, "test")
    real = eng.runtime.handlers["housing_fund.seal_account"]

    def seal_while_the_clerk_approves(ctx):
        with eng.runtime.reading() as s:
            task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
        eng.complete_task(task.id, {"decision": "approve", "note": "by the clerk"}, "zy_hrss")
        return real(ctx)

    eng.runtime.handlers["housing_fund.seal_account"] = seal_while_the_clerk_approves
    assert eng.run_due_jobs() == 1
    with eng.runtime.reading() as s:
        row = s.get(Instance, iid)
        assert row.status == "completed", row.waiting_in
        kinds = s.scalars(sa.select(HistoryEvent.kind).where(HistoryEvent.instance_id == iid)
                          .order_by(HistoryEvent.id)).all()
        assert kinds[-3:] == ["task_completed", "job_completed", "completed"], kinds
        assert s.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
            HumanTask.instance_id == iid, HumanTask.status == "open")) == 0
        _row, wf, _p, _se = eng.runtime.load(s, iid)
    end = next(t for t in wf.get_tasks() if t.task_spec.name == "EndEvent_1")
    assert end.data.get("note") == "by the clerk", "the clerk's completion was kept"
    assert end.data["housing_fund"]["status"] == "sealed", "and the handler's result on top"


def test_two_workers_running_jobs_at_once_run_each_job_once_and_finish_every_case(eng, database_url, clock,
                                                                                   roster, probe):
    from engine.bootstrap import bootstrap

    cases = _approved_cases(eng, roster, probe, 8)
    other = bootstrap(database_url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                      worker_id="other-worker")
    calls, lock = [], threading.Lock()

    def counting(engine):
        for topic, handler in list(engine.runtime.handlers.items()):
            def call(ctx, handler=handler, topic=topic):
                with lock:
                    calls.append((topic, ctx.idempotency_key, engine.runtime.worker_id))
                return handler(ctx)
            engine.runtime.handlers[topic] = call

    counting(eng)
    counting(other)
    try:
        barrier = threading.Barrier(2)

        def work(engine):
            barrier.wait()
            engine.run_due_jobs(limit=3)

        threads = [threading.Thread(target=work, args=(e,)) for e in (eng, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        eng.run_due_jobs()  # anything a Conflict put back (1 s back-off) once it is due
        clock.advance(seconds=5)
        eng.run_due_jobs()
    finally:
        other.runtime.db.dispose()
    keys = [(topic, key) for topic, key, _w in calls]
    assert len(keys) == len(set(keys)) == 2 * len(cases), "every seal and withdrawal ran exactly once"
    with eng.runtime.reading() as s:
        assert [s.get(Instance, c).status for c in cases] == ["completed"] * len(cases)
        assert s.scalar(sa.select(sa.func.count()).select_from(HistoryEvent).where(
            HistoryEvent.kind == "job_completed", HistoryEvent.instance_id.in_(cases))) == 2 * len(cases)
