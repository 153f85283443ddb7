"""Shared fixtures: a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set), the engine
with the repository's processes and forms on a fake clock, the Flask app and demo accounts."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL")
# cheap argon2 for the hundreds of logins the tests make (production keeps RFC 9106's 64 MiB, 3 passes)
os.environ.setdefault("RETIRE_ARGON2_MEMORY_KIB", "1024")
os.environ.setdefault("RETIRE_ARGON2_TIME_COST", "1")
os.environ.setdefault("RETIRE_ARGON2_PARALLELISM", "1")


def reset_database(url: str) -> None:
    """Drop every table of the test database (PostgreSQL is shared between tests)."""
    eng = sa.create_engine(url)
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    eng.dispose()


@pytest.fixture
def database_url(tmp_path):
    if PG_URL:
        reset_database(PG_URL)
        yield PG_URL
    else:
        yield f"sqlite:///{tmp_path / 'retire.db'}"


@pytest.fixture
def clock():
    from engine.clock import FakeClock

    return FakeClock(datetime(2026, 11, 22, 9, 0))


def create_schema(url: str) -> None:
    from engine.store.models import Base
    from handlers.ledger.schema import metadata as ledger_metadata

    eng = sa.create_engine(url)
    Base.metadata.create_all(eng)
    ledger_metadata.create_all(eng)
    eng.dispose()


@pytest.fixture
def eng(database_url, clock):
    from api.demo import DEMO_USERS, ensure_user
    from engine.bootstrap import bootstrap

    create_schema(database_url)
    eng = bootstrap(database_url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                    worker_id="test-worker")
    eng.deploy_folders("test")
    for user in DEMO_USERS:
        ensure_user(eng, *user)
    yield eng
    eng.runtime.db.dispose()


@pytest.fixture
def app(eng):
    from api import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789-abcdefghijklmnop"}, engine=eng)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """login("zy_hrss") → headers with a bearer token for that demo account."""
    from api.demo import DEMO_USERS, demo_password

    roles = {u[0]: u[1] for u in DEMO_USERS}

    def _login(username: str) -> dict:
        rv = client.post("/api/auth/token", json={"username": username, "password": demo_password(roles[username])})
        assert rv.status_code == 200, rv.json
        return {"Authorization": f"Bearer {rv.json['token']}"}

    return _login


@pytest.fixture
def roster(eng):
    """roster(person_dict, ...) loads persons into the embedded ledger."""
    from handlers.ledger.demo_roster import load_roster

    def _load(*persons):
        load_roster(eng.runtime.db, list(persons))
        return persons[0] if len(persons) == 1 else persons

    return _load
