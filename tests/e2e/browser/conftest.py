"""A live server for the browser tests: the real app and engine on a fresh database with the demo accounts."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from tests.conftest import PG_URL, ROOT, reset_database
from tests.support.deployed_database import deploy_everything


@dataclass
class LiveServer:
    url: str
    engine: object


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    from api import create_app

    if not (ROOT / "api" / "static" / "modeler" / "index.html").exists():
        pytest.skip("the modeler is not built (./dev test builds it with npm)")
    if PG_URL:
        reset_database(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'retire.db'}"
    eng = deploy_everything(url, None, worker_id="live")   # on the system clock, as a server runs
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-test-secret-0123456789-abcdefghij"}, engine=eng)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", engine=eng)
    server.shutdown()
    eng.runtime.db.dispose()
