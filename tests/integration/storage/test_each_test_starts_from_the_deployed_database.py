"""The ``eng`` fixture hands each test a copy of a database deployed once per run (tests/support/deployed_database):
the copy must be exactly what deploying would write, and nothing one test wrote may reach the next."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engine.store.models import Deployment, User
from tests.conftest import PG_URL
from engine.clock import FakeClock
from tests.support.deployed_database import (DEPLOYED_AT, _table_order, deploy_everything, deployed_engine, new_engine,
                                             reset_database)
from tests.support.people import person

SALTED = {("users", "password_hash")}   # argon2 salts each hash: two deploys never write the same bytes


def _everything(url: str) -> dict:
    """Every row of every table, and the id the next deployment gets."""
    db = sa.create_engine(url)
    try:
        with db.connect() as conn:
            meta = sa.MetaData()
            meta.reflect(conn)
            rows = {}
            for name in _table_order():
                table = meta.tables[name]
                cols = [c for c in table.columns if (name, c.name) not in SALTED]
                rows[name] = sorted(repr(tuple(r)) for r in conn.execute(sa.select(*cols)))
    finally:
        db.dispose()
    eng = new_engine(url, None)
    try:
        with eng.runtime.transaction() as s:
            added = Deployment(locality="000000", author="probe", note="", created_at=eng.runtime.now())
            s.add(added)
            s.flush()
            rows["next deployment id"] = added.id
            s.rollback()
    finally:
        eng.runtime.db.dispose()
    return rows


def _second_url(tmp_path, name: str) -> str:
    return PG_URL or f"sqlite:///{tmp_path / name}"


def test_a_copied_database_holds_exactly_what_deploying_writes(deployed_snapshot, database_url, clock, tmp_path):
    deployed_engine(deployed_snapshot, database_url, clock).runtime.db.dispose()
    copied = _everything(database_url)

    url = _second_url(tmp_path, "deployed-for-real.db")
    if PG_URL:
        reset_database(url)
    deploy_everything(url, clock).runtime.db.dispose()
    deployed = _everything(url)

    assert copied["definitions"], "the processes folder was deployed"
    assert copied["users"], "the demo accounts exist"
    assert copied == deployed


def test_what_a_test_wrote_is_gone_when_the_next_one_starts(eng, roster, deployed_snapshot, tmp_path):
    before = _everything(eng.runtime.db.url.render_as_string(hide_password=False))
    p = roster(person(county="340722", born=date(1966, 2, 9), seq=7))
    eng.start("retirement", "340722", "BK-leak", {"id_number": p["id_number"], "name": p["name"], "sex": "male",
              "category": "male", "birth_month": "1966-02", "channel": "employer", "retirement_type": "normal",
              "phone": p["phone"], "bank_card": p["bank_card"]}, "test")
    eng.run_due_jobs()
    with eng.runtime.transaction() as s:
        s.add(User(username="leaked", role="hrss", locality="340722", groups=[], password_hash="x"))
    eng.runtime.db.dispose()

    url = _second_url(tmp_path, "next-test.db")
    deployed_engine(deployed_snapshot, url, FakeClock(DEPLOYED_AT)).runtime.db.dispose()

    assert _everything(url) == before


def test_a_test_that_dropped_or_changed_the_tables_still_hands_the_next_the_deployed_database(
        deployed_snapshot, database_url, clock, tmp_path):
    deployed_engine(deployed_snapshot, database_url, clock).runtime.db.dispose()
    expected = _everything(database_url)
    db = sa.create_engine(database_url)
    with db.begin() as conn:
        conn.execute(sa.text("ALTER TABLE users ADD COLUMN nickname VARCHAR(20)"))
        conn.execute(sa.text("DROP TABLE ledger_persons"))
    db.dispose()

    url = _second_url(tmp_path, "after-a-migration-test.db")
    deployed_engine(deployed_snapshot, url, clock).runtime.db.dispose()

    assert _everything(url) == expected
