"""`retire up` runs a worker beside the server; stopping it (SIGTERM, as a service manager does, or Ctrl-C) stops the
worker too, instead of leaving it polling the database as an orphan."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, create_schema

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_retire_up_stops_the_worker_it_started(tmp_path, how):
    url = f"sqlite:///{tmp_path / 'retire.db'}"
    create_schema(url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RETIRE_DATABASE_URL": url, "RETIRE_DEMO": "1", "PYTHONPATH": str(ROOT),
           "RETIRE_SECRET_KEY": "up-test-secret-0123456789-abcdefghijklmnopq"}
    up = subprocess.Popen([sys.executable, "-m", "api.cli", "up", "--port", str(port)], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        workers = _children(up.pid)
        assert workers, "up started a worker process"
        up.send_signal(how)
        up.wait(timeout=30)
        for _ in range(100):
            if not any(_alive(w) for w in workers):
                break
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "the worker ended with the server"
    finally:
        if up.poll() is None:
            up.kill()
        for w in _children(up.pid):
            os.kill(w, signal.SIGKILL)
