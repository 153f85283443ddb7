"""``retire simulate`` on a small county: the summary it prints is what the database holds."""
from __future__ import annotations

import sqlalchemy as sa

from api.simulate import run_simulation
from engine.store.models import HumanTask, Instance, Item, Job
from handlers.ledger.schema import persons, sms_outbox


def test_a_forty_day_zongyang_run_starts_applications_completes_joint_items_and_reports_what_the_database_holds(
        tmp_path):
    url = f"sqlite:///{tmp_path / 'simulate.db'}"
    lines = []

    summary = run_simulation(locality="340722", start="2026-01-05", days=40, people=150, database_url=url,
                             echo=lines.append)

    assert summary["days_simulated"] == 40
    assert summary["persons_in_roster"] == 150
    assert summary["applications_started"] > 0
    assert summary["cases_completed"] > 0
    assert sum(summary["joint_items_completed"].values()) > 0
    assert summary["joint_items_completed"].get("pension_claim", 0) > 0
    assert summary["notifications_sent"] > 0
    assert summary["incidents"] == 0
    assert "engine_errors" not in summary
    assert any("week" in line for line in lines)
    assert summary["before_retirement_date"] == {"housing_fund_sealed": 0, "housing_fund_paid": 0,
                                                 "pension_first_month": 0, "medical_switch": 0}
    assert summary["open_past_due"]["cases_with_nothing_to_move_them"] == 0
    by_department = summary["items_by_department"]
    assert by_department["social_insurance"]["done"] == summary["joint_items_completed"]["pension_claim"]
    assert sum(row["not_requested"] for row in by_department.values()) > 0, "some applicants ask for fewer items"

    db = sa.create_engine(url)
    try:
        with db.connect() as conn:
            def count(table, *where):
                return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar()

            retirement = Instance.__table__.c.process_key == "retirement"
            assert count(persons) == summary["persons_in_roster"]
            assert count(Instance.__table__, retirement) == summary["applications_started"]
            assert count(Instance.__table__, retirement,
                         Instance.__table__.c.status == "completed") == summary["cases_completed"]
            done = dict(conn.execute(sa.select(Item.__table__.c.item, sa.func.count())
                                     .where(Item.__table__.c.state == "done").group_by(Item.__table__.c.item)).all())
            assert done == summary["joint_items_completed"]
            assert count(sms_outbox) == summary["notifications_sent"]
            assert count(HumanTask.__table__, HumanTask.__table__.c.status == "open") == summary["open_tasks_left"]
            assert count(HumanTask.__table__, HumanTask.__table__.c.activity_id == "Task_fix_phone",
                         HumanTask.__table__.c.status == "completed") == summary["wrong_phones_corrected"]
            assert count(Job.__table__, Job.__table__.c.status == "incident") == summary["incidents"]
    finally:
        db.dispose()
