"""Migration 0009_inbox on a database that already has cases: the inbox is filled from the open tasks (one row per
candidate group, none for a completed task), and going back down drops it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import command

from engine.store.migrate import alembic_config, upgrade

ZY = "/000000/340000/340700/340722/"


def _seed(conn) -> None:
    md = sa.MetaData()
    md.reflect(conn, only=["deployments", "definitions", "instances", "human_tasks", "human_task_groups"])
    t = md.tables
    now = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    conn.execute(t["deployments"].insert(), {"id": 1, "locality": "000000", "author": "t", "note": "",
                                             "created_at": now})
    conn.execute(t["definitions"].insert(), {
        "id": 1, "deployment_id": 1, "locality": "000000", "kind": "bpmn", "key": "probe", "name": "", "version": 1,
        "file_name": "probe.bpmn", "content": "", "content_hash": "x", "extra_keys": [], "deployed_at": now,
        "author": "t", "note": ""})
    conn.execute(t["instances"].insert(), {
        "id": "case-1", "process_key": "probe", "definition_id": 1, "subprocess_definitions": {}, "snapshot_seq": 1,
        "locality": "340722", "locality_path": ZY, "business_key": "BK-1", "status": "running", "state": "{}",
        "waiting_in": [], "started_at": now, "updated_at": now, "started_by": "t", "version": 1})
    for task_id, status, groups, due in (("t-open", "open", ["hrss", "social_insurance"], now + timedelta(days=2)),
                                         ("t-undated", "open", ["medical_insurance"], None),
                                         ("t-done", "completed", ["hrss"], now)):
        conn.execute(t["human_tasks"].insert(), {
            "id": task_id, "instance_id": "case-1", "process_key": "probe", "activity_id": "a", "name": "a",
            "business_key": "BK-1", "locality": "340722", "locality_path": ZY, "candidate_groups": groups,
            "due_at": due, "due_provisional": False, "status": status, "summary": {}, "created_at": now})
        conn.execute(t["human_task_groups"].insert(), [{"task_id": task_id, "group": g} for g in groups])


def test_upgrading_a_database_with_cases_fills_the_inbox_from_open_tasks_and_down_drops_it(database_url):
    upgrade(database_url, "0008_scale_indexes")
    eng = sa.create_engine(database_url)
    try:
        with eng.begin() as conn:
            _seed(conn)
        upgrade(database_url)
        with eng.connect() as conn:
            rows = conn.execute(sa.text('SELECT task_id, "group", instance_id, locality_path, due_at IS NULL '
                                        'FROM inbox ORDER BY task_id, "group"')).all()
            indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("inbox")}
        assert [tuple(r) for r in rows] == [("t-open", "hrss", "case-1", ZY, False),
                                            ("t-open", "social_insurance", "case-1", ZY, False),
                                            ("t-undated", "medical_insurance", "case-1", ZY, True)]
        assert {"ix_inbox_order", "ix_inbox_instance"} <= indexes
        command.downgrade(alembic_config(database_url), "0008_scale_indexes")
        with eng.connect() as conn:
            assert "inbox" not in sa.inspect(conn).get_table_names()
            assert conn.scalar(sa.text("SELECT count(*) FROM human_tasks")) == 3, "the tasks themselves stay"
    finally:
        eng.dispose()
