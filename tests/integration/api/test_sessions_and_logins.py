"""Sessions end when the account changes, tokens are short and refreshable, and logins are throttled without
telling which usernames exist."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from engine.store.models import User

SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
STRONG = "Tongling-2026-retire"


def _token(client, username, password):
    return client.post("/api/auth/token", json={"username": username, "password": password})


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _set(eng, username, **values):
    with eng.runtime.transaction() as session:
        session.execute(sa.update(User).where(User.username == username).values(**values))


def test_a_login_gives_a_short_access_token_with_iat_and_jti_and_a_refresh_token(app, client):
    rv = _token(client, "zy_hrss", "clerk123")
    assert rv.status_code == 200
    claims = jwt.decode(rv.json["token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == "zy_hrss" and claims["jti"] and claims["typ"] == "access"
    assert claims["exp"] - claims["iat"] == app.config["ACCESS_TOKEN_MINUTES"] * 60 <= 30 * 60
    other = jwt.decode(_token(client, "zy_hrss", "clerk123").json["token"], SECRET, algorithms=["HS256"])
    assert other["jti"] != claims["jti"]
    assert rv.json["refresh_token"] and rv.json["refresh_expires_at"] > rv.json["expires_at"]


def test_a_refresh_token_buys_a_new_access_token_and_is_no_access_token_itself(client):
    pair = _token(client, "zy_hrss", "clerk123").json
    assert client.get("/api/tasks", headers=_bearer(pair["refresh_token"])).status_code == 401
    rv = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert rv.status_code == 200, rv.json
    assert client.get("/api/tasks", headers=_bearer(rv.json["token"])).status_code == 200
    assert client.post("/api/auth/refresh", json={"refresh_token": pair["token"]}).status_code == 401
    spec = client.get("/api/openapi.json").json
    assert {"/api/auth/refresh", "/api/auth/logout"} <= set(spec["paths"])


def test_an_expired_token_is_refused_in_the_one_error_shape(client):
    now = datetime.now(timezone.utc)
    stale = jwt.encode({"sub": "zy_hrss", "role": "clerk", "loc": "340722", "grp": ["hrss", "social_insurance"],
                        "gen": 0, "typ": "access", "jti": "x", "iat": now - timedelta(hours=1),
                        "exp": now - timedelta(minutes=5)}, SECRET, algorithm="HS256")
    rv = client.get("/api/tasks", headers=_bearer(stale))
    assert rv.status_code == 401 and rv.json["code"] == 401 and "过期" in rv.json["message"]


def test_disabling_a_user_ends_their_access_and_refresh_tokens_at_once(client, login):
    pair = _token(client, "zy_hrss", "clerk123").json
    admin = login("admin")
    rv = client.patch("/api/users/zy_hrss", headers=admin, json={"active": False})
    assert rv.status_code == 200 and rv.json["active"] is False
    rv = client.get("/api/tasks", headers=_bearer(pair["token"]))
    assert rv.status_code == 401 and rv.json["message"].startswith("会话已失效")
    assert client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    rv = _token(client, "zy_hrss", "clerk123")
    assert rv.status_code == 401 and rv.json["message"].startswith("用户名或密码错误")
    client.patch("/api/users/zy_hrss", headers=admin, json={"active": True})
    assert client.get("/api/tasks", headers=_bearer(pair["token"])).status_code == 401   # re-enabling revives none
    assert _token(client, "zy_hrss", "clerk123").status_code == 200


@pytest.mark.parametrize("change", [{"role": "auditor"}, {"groups": ["hrss"]}, {"locality": "340700"},
                                    {"password": STRONG}])
def test_changing_role_groups_locality_or_password_ends_the_old_sessions(client, login, change):
    old = _bearer(_token(client, "zy_hrss", "clerk123").json["token"])
    assert client.patch("/api/users/zy_hrss", headers=login("admin"), json=change).status_code == 200
    assert client.get("/api/tasks", headers=old).status_code == 401


def test_a_deleted_user_and_a_row_changed_behind_the_api_lose_their_sessions(eng, client, login):
    hrss = _bearer(_token(client, "zy_hrss", "clerk123").json["token"])
    medical = _bearer(_token(client, "zy_medical", "clerk123").json["token"])
    assert client.delete("/api/users/zy_hrss", headers=login("admin")).status_code == 204
    assert client.get("/api/tasks", headers=hrss).status_code == 401
    _set(eng, "zy_medical", locality="220000")          # e.g. an SQL fix by an operator
    assert client.get("/api/tasks", headers=medical).status_code == 401


def test_logging_out_ends_every_session_of_the_caller(client):
    first = _bearer(_token(client, "policy_zy", "policy123").json["token"])
    second = _bearer(_token(client, "policy_zy", "policy123").json["token"])
    assert client.post("/api/auth/logout", headers=first).status_code == 204
    assert client.get("/api/definitions", headers=second).status_code == 401


def test_an_admin_may_not_disable_or_delete_their_own_account(client, login):
    admin = login("admin")
    assert client.patch("/api/users/admin", headers=admin, json={"active": False}).status_code == 409
    assert client.delete("/api/users/admin", headers=admin).status_code == 409
    assert client.get("/api/users", headers=admin).status_code == 200


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer_after_the_same_hash_work(client, monkeypatch):
    from argon2 import PasswordHasher

    calls = []
    verify = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: calls.append(h) or verify(self, h, p))
    wrong = _token(client, "zy_hrss", "clerk124")
    unknown = _token(client, "nobody_here", "clerk124")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json and wrong.json["message"] == "用户名或密码错误"  # no Accept-Language: Chinese
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


def test_an_old_pbkdf2_password_still_works_once_and_is_stored_again_as_argon2(eng, client):
    _set(eng, "zy_agency", password_hash=generate_password_hash("clerk123", method="pbkdf2:sha256:60000"))
    assert _token(client, "zy_agency", "clerk123").status_code == 200
    with eng.runtime.reading() as session:
        stored = session.scalar(sa.select(User.password_hash).where(User.username == "zy_agency"))
    assert stored.startswith("$argon2id$")
    assert _token(client, "zy_agency", "clerk123").status_code == 200
    assert _token(client, "zy_agency", "clerk1234").status_code == 401


@pytest.fixture
def strict_app(eng):
    from api import create_app

    return create_app({"TESTING": True, "SECRET_KEY": SECRET, "LOGIN_LOCKOUT_PER_ACCOUNT_IP": "3 per 15 minutes",
                       "LOGIN_LOCKOUT_PER_ACCOUNT": "5 per hour", "LOGIN_LIMIT_PER_IP": "12 per minute"}, engine=eng)


def test_failed_logins_lock_the_account_with_429_and_retry_after_even_for_the_right_password(strict_app):
    client = strict_app.test_client()
    for _ in range(3):
        assert _token(client, "zy_hrss", "guess-again").status_code == 401
    rv = _token(client, "zy_hrss", "clerk123")
    assert rv.status_code == 429 and rv.json["code"] == 429 and rv.json["message"].startswith("登录失败次数过多")
    assert int(rv.headers["Retry-After"]) > 0
    assert _token(client, "zy_medical", "clerk123").status_code == 200        # other accounts are not locked
    elsewhere = strict_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert _token(elsewhere, "zy_hrss", "clerk123").status_code == 200        # nor the account from elsewhere ...
    for _ in range(2):
        assert _token(elsewhere, "zy_hrss", "guess-again").status_code == 401
    assert _token(elsewhere, "zy_hrss", "clerk123").status_code == 429        # ... until it fails there too


def test_an_unknown_username_locks_like_a_known_one(strict_app):
    client = strict_app.test_client()
    answers = [_token(client, name, "guess-again").status_code for name in ("zy_hrss", "nobody_here")
               for _ in range(4)]
    assert answers == [401, 401, 401, 429] * 2


def test_successful_logins_do_not_lock_but_one_address_may_not_flood_the_login(strict_app):
    client = strict_app.test_client()
    answers = [_token(client, "zy_hrss", "clerk123").status_code for _ in range(13)]
    assert answers == [200] * 12 + [429]
    rv = _token(client, "zy_medical", "clerk123")
    assert rv.status_code == 429 and rv.json["message"].startswith("登录请求过于频繁") and rv.headers["Retry-After"]


def test_a_new_account_needs_a_strong_password(client, login):
    admin = login("admin")
    body = {"username": "zy_newclerk", "role": "clerk", "locality": "340722", "groups": ["hrss"]}
    for weak in ("clerk123!", "zy_newclerk-2026X", "aaaaaaaaaaaa1A", "alllowercaseletters1"[:14]):
        rv = client.post("/api/users", headers=admin, json={**body, "password": weak})
        assert rv.status_code == 422 and "password" in rv.json["errors"]["json"], weak
    assert client.post("/api/users", headers=admin, json={**body, "password": STRONG}).status_code == 201
    assert _token(client, "zy_newclerk", STRONG).status_code == 200


def test_the_signed_in_user_carries_the_name_of_their_locality_for_the_pages_header(client):
    for username, password, name in (("zy_community", "clerk123", "枞阳县"), ("jl_hrss", "clerk123", "吉林省"),
                                     ("policy", "policy123", "全国")):
        user = _token(client, username, password).json["user"]
        assert user["locality_name"] == name, user
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": _token(client, "zy_bank", "clerk123")
                                                       .json["refresh_token"]})
    assert refreshed.json["user"]["locality_name"] == "枞阳县"


@pytest.mark.parametrize("method,path", [("get", "/api/tasks?business_key=x"), ("get", "/api/tasks/no-such-task"),
                                         ("post", "/api/tasks/no-such-task/complete"),
                                         ("post", "/api/applications"),
                                         ("get", "/api/applications/no-such-application/progress")])
def test_a_route_that_checks_the_account_in_its_own_session_refuses_a_disabled_or_changed_account_at_once(
        eng, client, method, path):
    hrss = _bearer(_token(client, "zy_hrss", "clerk123").json["token"])
    body = {"json": {"locality": "340722", "data": {}}} if path == "/api/applications" else \
        {"json": {"data": {}}} if method == "post" else {}
    assert getattr(client, method)(path, headers=hrss, **body).status_code in (200, 403, 404, 422)
    _set(eng, "zy_hrss", active=False)
    rv = getattr(client, method)(path, headers=hrss, **body)
    assert rv.status_code == 401 and rv.json["message"].startswith("会话已失效")
    _set(eng, "zy_hrss", active=True, role="auditor")       # a changed role ends the session as well
    assert getattr(client, method)(path, headers=hrss, **body).status_code == 401


def test_the_login_limiter_counts_logins_and_leaves_every_other_route_alone(client, login):
    rv = _token(client, "zy_hrss", "clerk123")
    assert rv.status_code == 200 and rv.headers.get("X-RateLimit-Limit")
    rv = client.get("/api/tasks", headers=_bearer(rv.json["token"]))
    assert rv.status_code == 200 and "X-RateLimit-Limit" not in rv.headers
