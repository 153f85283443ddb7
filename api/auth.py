"""Bearer tokens (JWT), passwords, roles and locality scope.

An access token lives ACCESS_TOKEN_MINUTES; a refresh token (POST /api/auth/refresh) lives REFRESH_TOKEN_HOURS.
Both carry ``iat``, ``jti`` and the account's token generation, and every request reads the account once (by its
unique username): a deleted or disabled account, a changed role, locality or group, or a bumped generation ends
the session at once.
"""
from __future__ import annotations

import functools
import secrets
from datetime import datetime, timedelta, timezone

import jwt
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request
from flask_smorest import abort
from werkzeug.security import check_password_hash

from engine.store.models import User

from .config import Config

ROLES = ("admin", "policy", "clerk", "channel", "auditor")
ACCESS, REFRESH = "access", "refresh"
SESSION_ENDED = "会话已失效，请重新登录 (the session has ended: the account was disabled, deleted or changed; log in again)"

_hasher = PasswordHasher(time_cost=Config.ARGON2_TIME_COST, memory_cost=Config.ARGON2_MEMORY_KIB,
                         parallelism=Config.ARGON2_PARALLELISM)          # argon2id
_dummy_hash: str | None = None


# ---- passwords --------------------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(hashed: str, password: str) -> tuple[bool, str | None]:
    """(matches, a fresh argon2 hash to store when the stored one is old: pbkdf2, or weaker argon2 parameters)."""
    if hashed.startswith("$argon2"):
        try:
            _hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False, None
        return True, (hash_password(password) if _hasher.check_needs_rehash(hashed) else None)
    if check_password_hash(hashed, password):          # werkzeug pbkdf2/scrypt hashes from before argon2
        return True, hash_password(password)
    return False, None


def prepare_dummy_hash() -> str:
    """A hash of a random password, made once per process (at app creation, so no login pays for it)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(24))
    return _dummy_hash


def spend_verification_time(password: str) -> None:
    """Verify against the dummy hash, so an unknown username costs what a known one does."""
    verify_password(prepare_dummy_hash(), password)


def password_problem(password: str, username: str = "", min_length: int = 12) -> str | None:
    """Why ``password`` is too weak (one sentence, Chinese first), or None."""
    if len(password) < min_length:
        return f"密码太短 (the password needs at least {min_length} characters)"
    lowered = password.lower()
    if username and username.lower() in lowered:
        return "密码不能包含用户名 (the password may not contain the username)"
    if any(lowered.startswith(role) and lowered[len(role):].isdigit() for role in ROLES):
        return "密码不能是演示密码 (the password may not be a demo password such as clerk123)"
    classes = sum(any(test(c) for c in password)
                  for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum()))
    if len(set(password)) < 6 or (classes < 3 and len(password) < 16):
        return ("密码太简单 (the password needs three of: lower case, upper case, digits, symbols — or at least "
                "16 characters of a passphrase)")
    return None


# ---- tokens -----------------------------------------------------------------------------------------------

def issue_tokens(user) -> dict:
    """An access token and a refresh token for ``user`` (a User row), with their expiry times."""
    now = datetime.now(timezone.utc)
    cfg = current_app.config
    access_exp = now + timedelta(minutes=cfg["ACCESS_TOKEN_MINUTES"])
    refresh_exp = now + timedelta(hours=cfg["REFRESH_TOKEN_HOURS"])
    base = {"sub": user.username, "role": user.role, "loc": user.locality, "grp": sorted(user.groups or []),
            "gen": user.token_generation or 0, "iat": now}
    return {"token": _sign({**base, "typ": ACCESS, "exp": access_exp, "jti": secrets.token_urlsafe(16)}),
            "expires_at": access_exp,
            "refresh_token": _sign({**base, "typ": REFRESH, "exp": refresh_exp, "jti": secrets.token_urlsafe(16)}),
            "refresh_expires_at": refresh_exp}


def _sign(claims: dict) -> str:
    return jwt.encode(claims, current_app.config["SECRET_KEY"], algorithm="HS256")


def decode(token: str, kind: str) -> dict:
    """The claims of a valid, unexpired token of ``kind``; a 401 otherwise."""
    try:
        claims = jwt.decode(token, current_app.config["SECRET_KEY"], algorithms=["HS256"],
                            options={"require": ["exp", "iat", "jti", "sub", "typ"]})
    except jwt.ExpiredSignatureError:
        abort(401, message="令牌已过期，请刷新或重新登录 (the token has expired; refresh it or log in again)")
    except jwt.InvalidTokenError:
        abort(401, message="令牌无效 (the token is not valid)")
    if claims.get("typ") != kind:
        abort(401, message=f"令牌类型不对 (this is not an {kind} token)")
    return claims


# one prebuilt statement (compiled once, then served from SQLAlchemy's cache): every request runs it
_users = User.__table__   # Core columns: the statement skips the ORM's compile step
_ACCOUNT = sa.select(_users.c.active, _users.c.role, _users.c.locality, _users.c.groups, _users.c.token_generation) \
    .where(_users.c.username == sa.bindparam("username"))


def current_account(claims: dict, session=None):
    """The account row behind ``claims`` when it still exists, is active and matches them; a 401 otherwise.
    Read on every request, never cached: a disabled account or a changed role ends the session at the next one.
    ``session``: the request's own session (see ``require``), else a connection of its own."""
    from .views.common import engine

    if session is not None:
        row = session.connection().execute(_ACCOUNT, {"username": claims["sub"]}).first()
    else:
        with engine().runtime.db.connect() as conn:       # Core, not an ORM session: this runs on every request
            row = conn.execute(_ACCOUNT, {"username": claims["sub"]}).first()
    if (row is None or not row.active or row.role != claims.get("role") or row.locality != claims.get("loc")
            or sorted(row.groups or []) != sorted(claims.get("grp") or [])
            or (row.token_generation or 0) != claims.get("gen")):
        abort(401, message=SESSION_ENDED)
    return row


class Principal:
    def __init__(self, username: str, role: str, locality: str, groups: list[str]):
        self.username, self.role, self.locality, self.groups = username, role, locality, groups

    def sees(self, engine, code: str) -> bool:
        return code in engine.runtime.localities.all() and engine.runtime.localities.in_scope(self.locality, code)

    @property
    def scope_like(self) -> str:
        return f"%/{self.locality}/%"


def current() -> Principal:
    return g.principal


def authenticate(session=None):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        abort(401, message="需要登录 (a bearer token is required: POST /api/auth/token)")
    claims = decode(header[7:], ACCESS)
    current_account(claims, session)
    g.principal = Principal(claims["sub"], claims["role"], claims["loc"], claims.get("grp") or [])
    return g.principal


READING, TRANSACTION = "reading", "transaction"


def require(*roles: str, session: str | None = None):
    """Authenticate, then allow only ``roles`` (admin always).

    ``session``: READING or TRANSACTION opens the request's one session first (the engine's ``reading()`` or
    ``transaction()``), checks the account in it and hands it to the view as ``request_session()``: a read page
    then checks out one connection, not one for the account and one for the page."""
    def wrap(fn):
        def allowed(in_session=None):
            p = authenticate(in_session)
            if roles and p.role not in roles and p.role != "admin":
                abort(403, message=f"无权执行此操作 (the {p.role} role may not do this)")

        @functools.wraps(fn)
        def inner(*args, **kwargs):
            if session is None:
                allowed()
                return fn(*args, **kwargs)
            from .views.common import engine

            runtime = engine().runtime
            with (runtime.transaction() if session == TRANSACTION else runtime.reading()) as s:
                g.request_session = s
                try:
                    allowed(s)
                    return fn(*args, **kwargs)
                finally:
                    g.pop("request_session", None)
        return inner
    return wrap


def request_session():
    """The session ``require(..., session=…)`` opened for this request and checked the account in."""
    return g.request_session


def check_scope(engine, code: str, what: str = "record"):
    p = current()
    if not p.sees(engine, code):
        abort(403, message=f"无权访问本地区以外的数据 (this {what} belongs to locality {code}, outside your locality "
                           f"{p.locality})")
