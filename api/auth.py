"""Bearer tokens (JWT), roles and locality scope."""
from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone

import jwt
from flask import current_app, g, request
from flask_smorest import abort
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("admin", "policy", "clerk", "channel", "auditor")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:60000")


def password_ok(hashed: str, password: str) -> bool:
    return check_password_hash(hashed, password)


def issue_token(user) -> tuple[str, datetime]:
    expires = datetime.now(timezone.utc) + timedelta(hours=current_app.config["TOKEN_HOURS"])
    token = jwt.encode({"sub": user.username, "role": user.role, "loc": user.locality, "grp": list(user.groups or []),
                        "exp": expires}, current_app.config["SECRET_KEY"], algorithm="HS256")
    return token, expires


class Principal:
    def __init__(self, username: str, role: str, locality: str, groups: list[str]):
        self.username, self.role, self.locality, self.groups = username, role, locality, groups

    def sees(self, engine, code: str) -> bool:
        return code in engine.localities() and engine.in_scope(self.locality, code)

    @property
    def scope_like(self) -> str:
        return f"%/{self.locality}/%"


def current() -> Principal:
    return g.principal


def authenticate():
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        abort(401, message="a bearer token is required (POST /api/auth/token)")
    try:
        claims = jwt.decode(header[7:], current_app.config["SECRET_KEY"], algorithms=["HS256"])
    except jwt.ExpiredSignatureError:
        abort(401, message="the token has expired; log in again")
    except jwt.InvalidTokenError:
        abort(401, message="the token is not valid")
    g.principal = Principal(claims["sub"], claims["role"], claims["loc"], claims.get("grp") or [])
    return g.principal


def require(*roles: str):
    """Authenticate, then allow only ``roles`` (admin always)."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            p = authenticate()
            if roles and p.role not in roles and p.role != "admin":
                abort(403, message=f"the {p.role} role may not do this")
            return fn(*args, **kwargs)
        return inner
    return wrap


def check_scope(engine, code: str, what: str = "record"):
    p = current()
    if not p.sees(engine, code):
        abort(403, message=f"this {what} belongs to locality {code}, outside your locality {p.locality}")
