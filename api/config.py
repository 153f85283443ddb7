"""Settings, read from environment variables (RETIRE_*), grouped by concern."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


class Config:
    # database
    DATABASE_URL = _env("RETIRE_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'retire.db'}")

    # definitions
    PROCESSES_DIR = Path(_env("RETIRE_PROCESSES_DIR", str(ROOT / "processes")))
    FORMS_DIR = Path(_env("RETIRE_FORMS_DIR", str(ROOT / "forms")))

    # security
    SECRET_KEY = _env("RETIRE_SECRET_KEY", "dev-only-secret-change-me-in-production-0123456789")
    TOKEN_HOURS = int(_env("RETIRE_TOKEN_HOURS", "8"))

    # department systems: "ledger" (embedded) or "http" (RETIRE_HTTP_<DEPARTMENT>_URL each)
    PORTS = _env("RETIRE_PORTS", "ledger")

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
