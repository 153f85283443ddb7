"""The one place that picks the concrete parts: database, clock, handlers and department ports."""
from __future__ import annotations

import importlib
import os
import socket

from . import Engine
from .store.db import make_db_engine


def bootstrap(database_url: str, *, processes_dir, forms_dir, clock=None, ports_kind: str = "ledger",
              worker_id: str | None = None, db_engine=None) -> Engine:
    from handlers import ALL_HANDLERS, build_ports

    handlers = dict(ALL_HANDLERS)
    for module_name in filter(None, os.environ.get("RETIRE_HANDLER_MODULES", "").split(",")):
        # extra handler modules (a locality's own integrations): each defines HANDLERS like handlers/<dept>.py
        handlers.update(importlib.import_module(module_name.strip()).HANDLERS)

    db = db_engine or make_db_engine(database_url)
    http_config = None
    if ports_kind == "http":
        http_config = {k[len("RETIRE_HTTP_"):-len("_URL")].lower(): {"base_url": v} for k, v in os.environ.items()
                       if k.startswith("RETIRE_HTTP_") and k.endswith("_URL")}
    ports = build_ports(ports_kind, db_engine=db, http_config=http_config)
    # remote department systems are slow outside calls: their service tasks stay jobs (runtime.service_tasks)
    return Engine(db_engine=db, processes_dir=processes_dir, forms_dir=forms_dir, clock=clock,
                  handlers=handlers, ports=ports, inline_service_tasks=ports_kind != "http",
                  worker_id=worker_id or f"{socket.gethostname()}:{os.getpid()}")
