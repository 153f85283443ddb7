"""Request ids (X-Request-Id in and out), one JSON access line per request, and Prometheus metrics at /metrics.

Under gunicorn every worker process counts its own requests; with PROMETHEUS_MULTIPROC_DIR set (``retire serve
--production`` sets it) the counts of all processes are summed at /metrics. The engine's gauges (job lag, timer lag,
open incidents, open tasks per department, jobs run / failed / retried) are read from the database at each scrape,
so they are the same whichever process answers and include what the worker did."""
from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid

import sqlalchemy as sa
from flask import Flask, Response, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from engine import console_queries
from engine.store.models import HistoryEvent

access = logging.getLogger("retire.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

REQUESTS = Counter("retire_http_requests_total", "HTTP requests by route, method and status",
                   ["route", "method", "status"], registry=None)
LATENCY = Histogram("retire_http_request_duration_seconds", "HTTP request latency by route and method",
                    ["route", "method"], registry=None,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
_LOCAL = CollectorRegistry()
_LOCAL.register(REQUESTS)
_LOCAL.register(LATENCY)


class EngineCollector:
    """The engine's state at scrape time, read from the database (one short read transaction)."""

    def __init__(self, engine):
        self.engine = engine

    def collect(self):
        eng = self.engine
        now = eng.runtime.now()
        with eng.runtime.reading() as session:
            queue = console_queries.job_queue(session, None, now)
            timer = console_queries.timer_lag(session, now)
            incidents = console_queries.open_incidents(session)
            by_dept = console_queries.open_by_department(session)
            kinds = dict(session.execute(
                sa.select(HistoryEvent.kind, sa.func.count()).where(HistoryEvent.kind.in_(
                    ("job_completed", "timer_fired", "incident", "incident_retried")))
                .group_by(HistoryEvent.kind)).all())
        lag = GaugeMetricFamily("retire_job_lag_seconds", "how long the oldest due job has waited to run")
        lag.add_metric([], queue["oldest_due_age_seconds"] or 0.0)
        yield lag
        depth = GaugeMetricFamily("retire_job_queue_depth", "jobs due now and not yet running")
        depth.add_metric([], queue["due"])
        yield depth
        t = GaugeMetricFamily("retire_timer_lag_seconds", "how long the oldest due timer has waited past its time")
        t.add_metric([], timer or 0.0)
        yield t
        inc = GaugeMetricFamily("retire_open_incidents", "jobs that failed their last attempt")
        inc.add_metric([], incidents)
        yield inc
        tasks = GaugeMetricFamily("retire_open_tasks", "open human tasks by department", labels=["department"])
        for dept, n in sorted(by_dept):
            tasks.add_metric([dept], n)
        yield tasks
        for name, doc, count in (
                ("retire_jobs_run", "jobs that ran to completion (service calls and timers)",
                 kinds.get("job_completed", 0) + kinds.get("timer_fired", 0)),
                ("retire_jobs_failed", "jobs that failed their last attempt (became incidents)",
                 kinds.get("incident", 0)),
                ("retire_jobs_retried", "incidents an operator retried", kinds.get("incident_retried", 0))):
            c = CounterMetricFamily(name, doc)
            c.add_metric([], count)
            yield c


def install(app: Flask, engine) -> None:
    db_registry = CollectorRegistry()
    db_registry.register(EngineCollector(engine))

    @app.before_request
    def _start():
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        rid = getattr(g, "request_id", None)
        if rid is None:
            return response
        response.headers["X-Request-Id"] = rid
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        elapsed = time.perf_counter() - getattr(g, "started", time.perf_counter())
        if route != "/metrics":
            REQUESTS.labels(route, request.method, str(response.status_code)).inc()
            LATENCY.labels(route, request.method).observe(elapsed)
        # the route's rule, never the path or the query (which may carry an ID number or a name)
        if access.isEnabledFor(logging.INFO):
            access.info("%s %s %d %.1fms", request.method, route, response.status_code, elapsed * 1000,
                        extra={"method": request.method, "route": route, "status": response.status_code,
                               "duration_ms": round(elapsed * 1000, 1)})
        return response

    @app.get("/metrics")
    def metrics():
        token = os.environ.get("RETIRE_METRICS_TOKEN")
        if token and not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
            return Response("metrics need the scrape token (RETIRE_METRICS_TOKEN)\n", status=401,
                            mimetype="text/plain", headers={"WWW-Authenticate": "Bearer"})
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            local = generate_latest(registry)
        else:
            local = generate_latest(_LOCAL)
        try:
            engine_part = generate_latest(db_registry)
        except sa.exc.SQLAlchemyError:
            engine_part = b"# the database cannot be reached: the engine's gauges are missing\n"
        return Response(local + engine_part, mimetype="text/plain; version=0.0.4; charset=utf-8")

