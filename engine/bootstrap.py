"""The one place that picks the concrete parts: database, clock, handlers and department ports."""
from __future__ import annotations

import os
import socket

from . import Engine
from .store.db import make_db_engine


def bootstrap(database_url: str, *, processes_dir, forms_dir, clock=None, ports_kind: str = "ledger",
              worker_id: str | None = None, db_engine=None) -> Engine:
    from handlers import ALL_HANDLERS, build_ports

    db = db_engine or make_db_engine(database_url)
    http_config = None
    if ports_kind == "http":
        http_config = {k[len("RETIRE_HTTP_"):-len("_URL")].lower(): {"base_url": v} for k, v in os.environ.items()
                       if k.startswith("RETIRE_HTTP_") and k.endswith("_URL")}
    ports = build_ports(ports_kind, db_engine=db, http_config=http_config)
    return Engine(db_engine=db, processes_dir=processes_dir, forms_dir=forms_dir, clock=clock,
                  handlers=ALL_HANDLERS, ports=ports,
                  worker_id=worker_id or f"{socket.gethostname()}:{os.getpid()}")
