"""The worker rides out a database outage: the round that cannot reach the database logs one line, the worker
backs off, and once the database is back it carries on by itself and runs the jobs that waited."""
from __future__ import annotations

import logging
from datetime import date

import pytest
import sqlalchemy as sa

from api.worker import Poller
from engine.store.models import HumanTask, Job
from tests.conftest import ROOT
from tests.support.people import person
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


class FakeMonotonic:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def through_proxy(eng, database_url, clock):
    """A second engine, the worker's, that reaches the same database through a proxy the test can cut."""
    from engine.bootstrap import bootstrap

    url = sa.engine.make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("an outage of a database server needs PostgreSQL (SQLite is a file)")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    worker = bootstrap(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
                       processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                       worker_id="outage-worker")
    yield proxy, worker
    proxy.cut()
    worker.runtime.db.dispose()


def test_a_worker_that_loses_its_database_logs_one_line_backs_off_and_resumes_when_it_returns(
        eng, roster, probe, through_proxy, caplog):
    proxy, worker = through_proxy
    monotonic = FakeMonotonic()
    poller = Poller(worker, monotonic=monotonic)
    assert poller.tick() == 0, "the worker reaches the database through the proxy"

    p = roster(person(county="340722", born=date(1966, 10, 9), seq=91))
    iid = eng.start(probe, "340722", "BK-outage", {"id_number": p["id_number"], "name": p["name"],
                                                   "bank_card": p["bank_card"]}, "test")
    with eng.runtime.reading() as s:
        task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid))
    eng.complete_task(task.id, {"decision": "approve"}, "zy_hrss")

    proxy.cut()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="retire.worker"):
        assert poller.tick() is None
    lines = [r for r in caplog.records if r.name == "retire.worker"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING and lines[0].exc_info is None, \
        [r.getMessage() for r in lines]
    assert "database unreachable" in lines[0].getMessage()
    assert poller.failures == 1 and poller.resume_at > monotonic.t, "the worker backs off"

    proxy.restore()
    assert poller.tick() is None, "inside its back-off the worker does not try yet"
    monotonic.t = poller.resume_at + 0.1
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="retire.worker"):
        assert poller.tick() >= 1, "after the back-off the worker runs the jobs that waited"
    assert poller.failures == 0
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    with eng.runtime.reading() as s:
        seal = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.topic == "housing_fund.seal_account"))
    assert seal.status == "done"
