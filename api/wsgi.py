"""The WSGI entry point for a production server: ``gunicorn -w 4 'api.wsgi:app'`` (RETIRE_SECRET_KEY and
RETIRE_DATABASE_URL from the environment; the app refuses to build without a usable key)."""
from __future__ import annotations

from . import create_app

app = create_app()
