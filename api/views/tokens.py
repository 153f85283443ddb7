"""Log in (username + password → a short access token and a refresh token), refresh, log out.

Logins are throttled with flask-limiter, one limiter per app: every attempt counts against the caller's address
(LOGIN_LIMIT_PER_IP); failed attempts count against the username from that address
(LOGIN_LOCKOUT_PER_ACCOUNT_IP) and from anywhere (LOGIN_LOCKOUT_PER_ACCOUNT), so a few wrong passwords lock the
account for a while — unknown usernames alike, which tells nothing about which exist. A locked login is 429 with
Retry-After.
"""
from __future__ import annotations

import functools

from flask import request
from flask.views import MethodView
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort

from engine import queries, records

from ..auth import (REFRESH, SESSION_ENDED, current, current_account, decode, issue_tokens, prepare_dummy_hash,
                    require, spend_verification_time, verify_password)
from ..config import secret_key_problem
from ..schemas import RefreshRequest, TokenRequest, TokenResponse
from .common import engine

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Tokens")

WRONG = "用户名或密码错误 (wrong username or password)"
LOCKED = "登录失败次数过多，账户已暂时锁定，请稍后再试 (too many failed logins: the account is locked for a while; " \
         "Retry-After says when to try again)"
BUSY = "登录请求过于频繁，请稍后再试 (too many login requests from this address; try again later)"


@blp.record_once
def _guard_logins(state):
    """Refuse to build an app without a usable signing key, and give this app its own login limiter."""
    app = state.app
    problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem:
        raise RuntimeError(problem)
    cfg = app.config
    limiter = Limiter(get_remote_address, app=app)
    _only_for_limited_blueprints(app, limiter)
    limiter.limit(cfg["LOGIN_LIMIT_PER_IP"], error_message=BUSY, scope="login_per_ip")(blp)
    lockouts = (("LOGIN_LOCKOUT_PER_ACCOUNT_IP", _username_and_address), ("LOGIN_LOCKOUT_PER_ACCOUNT", _username))
    for name, key in lockouts:
        limiter.limit(cfg[name], key_func=key, error_message=LOCKED, exempt_when=_not_a_login,
                      deduct_when=_failed_login, scope=name.lower())(blp)
    app.extensions["retire_login_limiter"] = limiter
    prepare_dummy_hash()


def _only_for_limited_blueprints(app, limiter) -> None:
    """flask-limiter hooks every request of the app; only the blueprints that set limits (this one, the applicant's
    page: ``app.extensions["retire_limited_blueprints"]``) need its work, so its hooks skip the others."""
    limited = app.extensions["retire_limited_blueprints"] = {blp.name}

    def theirs(fn) -> bool:
        return getattr(fn, "__self__", None) is limiter or limiter in (getattr(fn, "args", None) or ())

    def scoped(fn, passthrough: bool):
        @functools.wraps(fn)
        def hook(*args):
            if request.blueprint in limited:
                return fn(*args)
            return args[0] if passthrough else None
        return hook

    for funcs, passthrough in ((app.before_request_funcs, False), (app.after_request_funcs, True),
                               (app.teardown_request_funcs, False)):
        hooks = funcs.get(None, [])
        hooks[:] = [scoped(f, passthrough) if theirs(f) else f for f in hooks]


def _username() -> str:
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return f"user:{str(name).strip()[:80] if name else ''}"


def _username_and_address() -> str:
    return f"{_username()}@{get_remote_address()}"


def _not_a_login() -> bool:
    return request.endpoint != "auth.Token"


def _failed_login(response) -> bool:
    return response.status_code == 401


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenRequest)
    @blp.response(200, TokenResponse)
    @blp.alt_response(401, description="用户名或密码错误 (wrong username or password), or the account is disabled")
    @blp.alt_response(429, description="too many attempts: the account or the address is locked for a while "
                                       "(Retry-After header)")
    @blp.doc(security=[])
    def post(self, body):
        """Exchange a username and password for an access token (default 20 min) and a refresh token (8 h)"""
        eng = engine()
        with eng.runtime.reading() as session:
            user = queries.user(session, body["username"])
        if user is None:
            spend_verification_time(body["password"])
            ok, rehashed = False, None
        else:
            ok, rehashed = verify_password(user.password_hash, body["password"])
        if not ok or not user.active:
            abort(401, message=WRONG)
        if rehashed:
            with eng.runtime.transaction() as session:
                records.set_password_hash(session, user.id, rehashed)
        return {**issue_tokens(user), "user": user}


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(RefreshRequest)
    @blp.response(200, TokenResponse)
    @blp.alt_response(401, description="the refresh token expired, or the account was disabled or changed")
    @blp.doc(security=[])
    def post(self, body):
        """Exchange a refresh token for a new access token and a new refresh token (no password needed)"""
        claims = decode(body["refresh_token"], REFRESH)
        current_account(claims)
        with engine().runtime.reading() as session:
            user = queries.user(session, claims["sub"])
        if user is None:
            abort(401, message=SESSION_ENDED)
        return {**issue_tokens(user), "user": user}


@blp.route("/logout")
class Logout(MethodView):
    @require()
    @blp.response(204)
    def post(self):
        """End every session of the caller: all their access and refresh tokens stop working at once"""
        with engine().runtime.transaction() as session:
            records.end_sessions(session, current().username)
