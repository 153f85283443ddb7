"""gunicorn settings for `retire serve --production` (bind, workers and timeouts come from the command line)."""
from __future__ import annotations

import os

accesslog = None          # the app writes one JSON access line per request, with its request id
errorlog = "-"
worker_class = "sync"
forwarded_allow_ips = os.environ.get("RETIRE_FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """A worker process that ended leaves its metric files for the others to sum; mark it dead (live gauges)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
