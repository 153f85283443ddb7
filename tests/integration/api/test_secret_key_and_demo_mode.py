"""The server never signs with a key anyone else knows, and demo accounts exist only in demo mode."""
from __future__ import annotations

import stat

import pytest
from click.testing import CliRunner

from api.cli import main
from api.config import Config

STRONG = "Tongling-2026-retire"


@pytest.fixture
def cli_env(monkeypatch, tmp_path, database_url):
    """Config as the `retire` command sees it, on the test database and a scratch var/ folder."""
    monkeypatch.setattr(Config, "SECRET_KEY", None)
    monkeypatch.setattr(Config, "VAR_DIR", tmp_path / "var")
    monkeypatch.setattr(Config, "DATABASE_URL", database_url)
    monkeypatch.delenv("RETIRE_SECRET_KEY", raising=False)
    monkeypatch.delenv("RETIRE_DEMO", raising=False)
    return tmp_path / "var"


@pytest.fixture
def started(monkeypatch):
    """Instead of serving, record the config the server would have started with."""
    import api

    seen = []

    class FakeApp:
        def run(self, **_kw):
            pass

    monkeypatch.setattr(api, "create_app", lambda config, **_kw: seen.append(config.SECRET_KEY) or FakeApp())
    return seen


@pytest.mark.parametrize("command", ["serve", "worker", "up"])
@pytest.mark.parametrize("key, says", [(None, "RETIRE_SECRET_KEY is not set"),
                                       ("short-but-not-empty-1234", "too short")])
def test_the_server_and_worker_refuse_to_start_without_a_strong_key(cli_env, started, command, key, says):
    env = {"RETIRE_SECRET_KEY": key} if key else {}
    result = CliRunner().invoke(main, [command], env=env)
    assert result.exit_code != 0 and not started
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "secrets.token_urlsafe" in lines[0]


def test_demo_mode_makes_one_private_key_under_var_and_keeps_it_across_restarts(cli_env, started):
    runner = CliRunner()
    assert runner.invoke(main, ["serve"], env={"RETIRE_DEMO": "1"}).exit_code == 0
    path = cli_env / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert runner.invoke(main, ["serve"], env={"RETIRE_DEMO": "1"}).exit_code == 0
    assert started[0] == started[1] == path.read_text().strip() and len(started[0]) >= 32


def test_a_given_key_wins_over_the_demo_key_and_is_checked_in_demo_mode_too(cli_env, started):
    key = "k3y-from-the-operator-0123456789-abcdefgh"
    assert CliRunner().invoke(main, ["serve"], env={"RETIRE_DEMO": "1", "RETIRE_SECRET_KEY": key}).exit_code == 0
    assert started == [key] and not (cli_env / "secret_key").exists()
    assert CliRunner().invoke(main, ["serve"], env={"RETIRE_DEMO": "1", "RETIRE_SECRET_KEY": "x" * 40}).exit_code != 0


def test_no_app_is_built_without_a_signing_key(eng, monkeypatch):
    from api import create_app

    monkeypatch.setattr(Config, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="RETIRE_SECRET_KEY"):
        create_app({"TESTING": True}, engine=eng)


def test_demo_accounts_are_loaded_only_in_demo_mode(cli_env, eng):
    result = CliRunner().invoke(main, ["demo", "--people", "1"])
    assert result.exit_code != 0 and "demo mode" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_outside_demo_mode_the_server_refuses_demo_passwords_and_the_banner_shows_none(cli_env, started, eng,
                                                                                     monkeypatch):
    import subprocess

    import sqlalchemy as sa

    from engine.store.models import User

    class NoWorker:
        def __init__(self, *a, **kw):
            pass

        def send_signal(self, _sig):
            pass

        def poll(self):
            return None

        def wait(self, timeout=None):
            pass

    monkeypatch.setattr(subprocess, "Popen", NoWorker)
    key = {"RETIRE_SECRET_KEY": "k3y-from-the-operator-0123456789-abcdefgh"}
    refused = CliRunner().invoke(main, ["serve"], env=key)
    assert refused.exit_code != 0 and not started
    assert len(refused.output.strip().splitlines()) == 1 and "zy_hrss" in refused.output
    demo = CliRunner().invoke(main, ["up"], env={"RETIRE_DEMO": "1"})
    assert demo.exit_code == 0 and "clerk123" in demo.output
    with eng.runtime.transaction() as session:
        session.execute(sa.update(User).values(active=False))
    plain = CliRunner().invoke(main, ["up"], env=key)
    assert plain.exit_code == 0 and "clerk123" not in plain.output and len(started) == 2


def test_users_create_refuses_a_weak_password_and_accepts_a_strong_one(cli_env, eng, client):
    runner = CliRunner()
    args = ["users", "create", "zy_clerk2", "--role", "clerk", "--locality", "340722", "--group", "hrss"]
    weak = runner.invoke(main, [*args, "--password", "clerk123"])
    assert weak.exit_code != 0 and "密码" in weak.output
    strong = runner.invoke(main, [*args, "--password", STRONG])
    assert strong.exit_code == 0, strong.output
    assert client.post("/api/auth/token", json={"username": "zy_clerk2", "password": STRONG}).status_code == 200
    assert runner.invoke(main, ["users", "disable", "zy_clerk2"]).exit_code == 0
    assert client.post("/api/auth/token", json={"username": "zy_clerk2", "password": STRONG}).status_code == 401
