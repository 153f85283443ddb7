"""Roster import, the upcoming-retirees report, cancelling a case, and timer start events with two workers."""
from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa

from engine.store.models import HumanTask, Instance, TimerStart
from handlers.personal import make_id_number
from tests.support.people import person


def test_a_csv_roster_is_imported_with_each_bad_row_rejected_and_why(client, login, tmp_path):
    good = make_id_number("340722", date(1966, 5, 3), 15)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    csv = tmp_path / "roster.csv"
    csv.write_text("身份证号,姓名,人员类别,电话,所属地区\n"
                   f"{good},周小平,male,13900001111,340722\n"
                   f"{bad},吴大伟,male,13900002222,340722\n", encoding="utf-8")
    with csv.open("rb") as fh:
        rv = client.post("/api/persons/import", headers=login("admin"), data={"file": (fh, "roster.csv")},
                         content_type="multipart/form-data")
    assert rv.status_code == 200, rv.json
    assert rv.json["accepted"] == 1 and len(rv.json["rejected"]) == 1
    assert rv.json["rejected"][0]["row"] == 3 and "check digit" in rv.json["rejected"][0]["reason"]
    rv = client.post("/api/persons/import", headers=login("admin"), data={}, content_type="multipart/form-data")
    assert rv.status_code == 422


def test_the_upcoming_report_lists_who_reaches_statutory_age_in_a_quarter(client, login, roster):
    roster(person(county="340722", born=date(1966, 10, 9), seq=81, name="钱进"),   # 2027-04
           person(county="340722", born=date(1967, 3, 9), seq=83, name="孙退"),    # 2027-10
           person(county="220102", born=date(1966, 10, 9), seq=85, name="李吉林"))  # Jilin, same quarter
    rv = client.get("/api/reports/upcoming", headers=login("zy_hrss"), query_string={"quarter": "2027Q2"})
    assert rv.status_code == 200, rv.json
    assert rv.json["total"] == 1 and rv.json["items"][0]["name"] == "钱*"
    assert rv.json["items"][0]["retirement_month"] == "2027-04"
    assert client.get("/api/reports/upcoming", headers=login("zy_hrss"),
                      query_string={"quarter": "2027-2"}).status_code == 422


def test_a_cancelled_case_closes_its_tasks_and_cannot_be_cancelled_twice(eng, client, login, roster):
    p = roster(person(county="340722", born=date(1966, 2, 9), seq=87))
    iid = eng.start("retirement", "340722", "BK-cancel", {"id_number": p["id_number"], "name": p["name"],
                    "sex": "male", "category": "male", "birth_month": "1966-02", "channel": "employer",
                    "retirement_type": "normal", "phone": p["phone"], "bank_card": p["bank_card"]}, "test")
    eng.run_due_jobs()
    hrss = login("zy_hrss")
    rv = client.post(f"/api/instances/{iid}/cancel", headers=hrss, json={"reason": "申请人撤回申请"})
    assert rv.status_code == 200 and rv.json["status"] == "cancelled"
    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
            HumanTask.instance_id == iid, HumanTask.status == "open")) == 0
    assert client.post(f"/api/instances/{iid}/cancel", headers=hrss, json={"reason": "again"}).status_code == 409
    assert client.post(f"/api/instances/{iid}/cancel", headers=hrss, json={}).status_code == 422


def test_two_workers_fire_each_timer_start_once(eng, clock, database_url):
    from datetime import datetime

    from engine.bootstrap import bootstrap
    from engine.clock import SHANGHAI
    from tests.conftest import ROOT

    other = bootstrap(database_url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                      worker_id="second-worker")
    clock.set(datetime(2027, 2, 1, 9, 30, tzinfo=SHANGHAI))
    barrier = threading.Barrier(2)

    def fire(e):
        barrier.wait()
        e.fire_timer_starts()

    threads = [threading.Thread(target=fire, args=(e,)) for e in (eng, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with eng.runtime.reading() as s:
        fired = s.execute(sa.select(TimerStart.process_key, TimerStart.fire_at).where(
            TimerStart.process_key.in_(("monthly_batch", "quarterly_notification")))).all()
        starts = s.scalar(sa.select(sa.func.count()).select_from(Instance).where(
            Instance.process_key.in_(("monthly_batch", "quarterly_notification"))))
    keys = [(k, f) for k, f in fired]
    assert len(keys) == len(set(keys)) == starts == 4, keys  # Dec, Jan, Feb batches + the Feb notification
    other.runtime.db.dispose()
