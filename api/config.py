"""Settings, read from environment variables (RETIRE_*), grouped by concern."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_KEY_LENGTH = 32


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


class Config:
    # database
    DATABASE_URL = _env("RETIRE_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'retire.db'}")

    # definitions
    PROCESSES_DIR = Path(_env("RETIRE_PROCESSES_DIR", str(ROOT / "processes")))
    FORMS_DIR = Path(_env("RETIRE_FORMS_DIR", str(ROOT / "forms")))

    # security: no default key; `retire serve|worker|up` refuse to start without one (see resolve_secret_key)
    SECRET_KEY = os.environ.get("RETIRE_SECRET_KEY")
    VAR_DIR = Path(_env("RETIRE_VAR_DIR", str(ROOT / "var")))
    ACCESS_TOKEN_MINUTES = int(_env("RETIRE_ACCESS_TOKEN_MINUTES", "20"))
    REFRESH_TOKEN_HOURS = int(_env("RETIRE_REFRESH_TOKEN_HOURS", "8"))
    PASSWORD_MIN_LENGTH = int(_env("RETIRE_PASSWORD_MIN_LENGTH", "12"))
    # argon2id cost; the default is RFC 9106's low-memory profile. Stored hashes with other costs are redone at the
    # owner's next login. The test suite lowers them (tests/conftest.py), as Django's tests swap their hasher.
    ARGON2_TIME_COST = int(_env("RETIRE_ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_KIB = int(_env("RETIRE_ARGON2_MEMORY_KIB", "65536"))
    ARGON2_PARALLELISM = int(_env("RETIRE_ARGON2_PARALLELISM", "4"))

    # login throttling (flask-limiter; each app keeps its own in-memory counters unless a shared storage is named,
    # e.g. redis://host:6379 when several server processes answer logins)
    RATELIMIT_STORAGE_URI = _env("RETIRE_RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_IP = _env("RETIRE_LOGIN_LIMIT_PER_IP", "60 per minute")                  # every attempt
    LOGIN_LOCKOUT_PER_ACCOUNT_IP = _env("RETIRE_LOGIN_LOCKOUT_PER_ACCOUNT_IP", "5 per 15 minutes")  # failures
    LOGIN_LOCKOUT_PER_ACCOUNT = _env("RETIRE_LOGIN_LOCKOUT_PER_ACCOUNT", "20 per hour")       # failures, any IP

    # department systems: "ledger" (embedded) or "http" (RETIRE_HTTP_<DEPARTMENT>_URL each)
    PORTS = _env("RETIRE_PORTS", "ledger")
    # the address applicants open from their SMS (<PUBLIC_BASE_URL>/progress?t=…): the public host of the site
    PUBLIC_BASE_URL = _env("RETIRE_PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # the applicant's page: tries per address, and wrong ID-number tails per business key (flask-limiter)
    PUBLIC_LIMIT_PER_IP = _env("RETIRE_PUBLIC_LIMIT_PER_IP", "30 per minute")
    PUBLIC_LOCKOUT_PER_CASE = _env("RETIRE_PUBLIC_LOCKOUT_PER_CASE", "5 per hour")

    # worker
    WORKER_POLL_SECONDS = float(_env("RETIRE_WORKER_POLL_SECONDS", "2"))

    # OpenAPI (served at /api/openapi.json and /api/docs, with Swagger UI assets from a pinned package)
    API_TITLE = "退休一件事 Retirement One-Thing API"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"
    API_SPEC_OPTIONS = {"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "security": [{"bearerAuth": []}]}
    JSON_AS_ASCII = False
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024


class SecretKeyError(Exception):
    """The server may not start: no signing key, or a weak one. The message is one line saying how to fix it."""


_HOW = ("generate one with: export RETIRE_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
        " — or run the demo with ./dev run (RETIRE_DEMO=1)")


def demo_mode(environ=os.environ) -> bool:
    """Demo mode is RETIRE_DEMO=1 (exported by ./dev run): demo accounts, and a generated key kept under var/."""
    return environ.get("RETIRE_DEMO", "").strip().lower() in ("1", "true", "yes", "on")


def secret_key_problem(key: str | None) -> str | None:
    """Why ``key`` may not sign tokens (one line, Chinese first), or None when it may."""
    if not key:
        return f"未设置签名密钥 RETIRE_SECRET_KEY (RETIRE_SECRET_KEY is not set): {_HOW}"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return (f"签名密钥太短 (RETIRE_SECRET_KEY is too short: {len(key)} characters, at least "
                f"{MIN_SECRET_KEY_LENGTH} are needed): {_HOW}")
    if len(set(key)) < 10:
        return f"签名密钥过于简单 (RETIRE_SECRET_KEY repeats a few characters; use a random one): {_HOW}"
    return None


def resolve_secret_key(environ=os.environ, var_dir: Path | None = None) -> str:
    """RETIRE_SECRET_KEY when set and strong; in demo mode without it, a random key made once and kept in
    var/secret_key (mode 0600) so that tokens survive a restart. Raises SecretKeyError otherwise."""
    key = environ.get("RETIRE_SECRET_KEY")
    if not key and demo_mode(environ):
        key = _demo_key(Path(var_dir or environ.get("RETIRE_VAR_DIR") or ROOT / "var") / "secret_key")
    problem = secret_key_problem(key)
    if problem:
        raise SecretKeyError(problem)
    return key


def _demo_key(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text(encoding="ascii").strip()
