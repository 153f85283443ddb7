"""A database outage answers 503 with Retry-After in the one error shape, and nothing is half-done: the request that
met the outage left no trace, and the same request succeeds once the database is back.

PostgreSQL is reached through a TCP relay the test cuts and restores; on SQLite the database file is moved away
and a directory put in its place (SQLite cannot open it)."""
from __future__ import annotations

import os
import select
import shutil
import socket
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, reset_database
from tests.support.people import application_data, person


class Relay:
    """127.0.0.1:<port> → PostgreSQL; ``cut()`` drops every connection and stops listening, ``restore()`` listens
    again on the same port."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listen()

    def listen(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port or 0))
        self.port = self.server.getsockname()[1]
        self.server.listen(16)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except (OSError, ValueError):  # ValueError: cut() closed a socket under select()
            return
        finally:
            for s in (a, b):
                s.close()

    def cut(self):
        try:
            self.server.shutdown(socket.SHUT_RDWR)   # wakes the accepting thread; close alone would not
        except OSError:
            pass
        self.server.close()
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()

    def restore(self):
        self.listen()


@pytest.fixture
def relay():
    url = sa.engine.make_url(PG_URL)
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    yield relay
    relay.cut()


@pytest.fixture
def database_url(tmp_path, request):
    if PG_URL:
        reset_database(PG_URL)
        relay = request.getfixturevalue("relay")
        yield sa.engine.make_url(PG_URL).set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    else:
        yield f"sqlite:///{tmp_path / 'retire.db'}"


@pytest.fixture
def outage(eng, database_url, request):
    """outage.begin() / outage.end(): the running app's database becomes unreachable, then comes back."""
    class Outage:
        def begin(self):
            if PG_URL:
                request.getfixturevalue("relay").cut()
            else:
                eng.runtime.db.dispose()
                path = Path(eng.runtime.db.url.database)
                for p in path.parent.glob(path.name + "*"):
                    os.rename(p, str(p) + ".away")
                path.mkdir()

        def end(self):
            if PG_URL:
                request.getfixturevalue("relay").restore()
            else:
                path = Path(eng.runtime.db.url.database)
                shutil.rmtree(path)
                for p in path.parent.glob(path.name + "*.away"):
                    os.rename(p, str(p)[:-len(".away")])
            eng.runtime.db.dispose()

    return Outage()


def test_a_request_during_a_database_outage_is_a_503_with_retry_after_and_nothing_is_half_done(
        eng, client, login, roster, outage):
    p = roster(person(county="340722", born=date(1966, 2, 9), seq=52))
    community = login("zy_community")
    body = {"locality": "340722", "data": application_data(p, channel="community")}

    outage.begin()
    try:
        rv = client.post("/api/applications", headers=community, json=body)
        assert rv.status_code == 503, rv.json
        assert int(rv.headers["Retry-After"]) > 0
        assert rv.json["code"] == 503 and rv.json["message"].startswith("数据库暂时无法访问")
        assert client.get("/api/tasks", headers=community).status_code == 503
    finally:
        outage.end()

    assert client.get("/api/applications", headers=community).json == []
    rv = client.post("/api/applications", headers=community, json=body)
    assert rv.status_code == 201, rv.json
    eng.run_due_jobs()
    task = client.get("/api/tasks", headers=community).json["items"][0]

    outage.begin()
    try:
        rv = client.post(f"/api/tasks/{task['id']}/claim", headers=community)
        assert rv.status_code == 503 and rv.headers["Retry-After"]
    finally:
        outage.end()

    assert client.get(f"/api/tasks/{task['id']}", headers=community).json["assignee"] is None
    assert client.post(f"/api/tasks/{task['id']}/claim", headers=community).status_code == 200


def test_health_reports_an_unreachable_database_without_a_server_error(client, outage):
    outage.begin()
    try:
        rv = client.get("/api/health")
    finally:
        outage.end()
    assert rv.status_code == 503
