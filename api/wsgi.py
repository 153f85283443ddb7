"""The WSGI entry point for a production server: ``retire serve --production`` runs gunicorn on ``api.wsgi:app``
(or run it yourself: ``gunicorn -w 4 'api.wsgi:app'``, RETIRE_SECRET_KEY and RETIRE_DATABASE_URL from the
environment; the app refuses to build without a usable key). Logs are JSON lines unless RETIRE_LOG_FORMAT=text."""
from __future__ import annotations

import os

from . import create_app
from .logs import configure

configure(json_lines=os.environ.get("RETIRE_LOG_FORMAT", "json") == "json")
app = create_app()
