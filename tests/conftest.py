"""Shared fixtures: a real database (SQLite file, or PostgreSQL when TEST_DATABASE_URL is set), the engine
with the repository's processes and forms on a fake clock, the Flask app and demo accounts."""
from __future__ import annotations

import os
import pytest

from tests.support.deployed_database import (DEPLOYED_AT, ROOT, build_snapshot, create_schema,  # noqa: F401
                                             deployed_engine, reset_database)

PG_URL = os.environ.get("TEST_DATABASE_URL")
# cheap argon2 for the hundreds of logins the tests make (production keeps RFC 9106's 64 MiB, 3 passes)
os.environ.setdefault("RETIRE_ARGON2_MEMORY_KIB", "1024")
os.environ.setdefault("RETIRE_ARGON2_TIME_COST", "1")
os.environ.setdefault("RETIRE_ARGON2_PARALLELISM", "1")


@pytest.fixture
def database_url(request, tmp_path):
    """The test's own database, empty — or, when the test uses ``eng``, about to hold the deployed snapshot."""
    if PG_URL:
        if "eng" not in request.fixturenames:
            reset_database(PG_URL)
        yield PG_URL
    else:
        yield f"sqlite:///{tmp_path / 'retire.db'}"


@pytest.fixture
def clock():
    from engine.clock import FakeClock

    return FakeClock(DEPLOYED_AT)


@pytest.fixture(scope="session")
def deployed_snapshot(tmp_path_factory):
    """processes/, forms/ and the demo accounts deployed once per run; each ``eng`` starts from a copy."""
    return build_snapshot(PG_URL, tmp_path_factory.mktemp("deployed"))


@pytest.fixture
def eng(deployed_snapshot, database_url, clock):
    """A new engine (no cache shared with another test) on the test's database with everything deployed."""
    eng = deployed_engine(deployed_snapshot, database_url, clock)
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
