"""What a production operator reads: /metrics in Prometheus text, each response's request id, and log lines as JSON
with the request id and no ID number, phone or bank card in them."""
from __future__ import annotations

import json
import logging

from api.logs import RequestContext, json_formatter, redact


def test_metrics_count_requests_by_route_and_status_and_show_the_engine_s_gauges(client, login):
    admin = login("admin")
    client.get("/api/incidents", headers=admin)
    client.get("/api/incidents", headers={})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'retire_http_requests_total{method="GET",route="/api/incidents",status="200"}' in text
    assert 'retire_http_requests_total{method="GET",route="/api/incidents",status="401"}' in text
    assert 'retire_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/incidents"}' in text
    for name in ("retire_open_incidents", "retire_job_lag_seconds", "retire_timer_lag_seconds",
                 "retire_job_queue_depth", "retire_jobs_run_total", "retire_jobs_failed_total",
                 "retire_jobs_retried_total"):
        assert f"\n{name} " in text, name


def test_a_request_keeps_the_id_it_came_with_and_gets_one_when_it_had_none_or_a_bad_one(client):
    assert client.get("/api/health", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    made = client.get("/api/health").headers["X-Request-Id"]
    assert len(made) == 32
    bad = client.get("/api/health", headers={"X-Request-Id": "x" * 65}).headers["X-Request-Id"]
    assert bad != "x" * 65 and len(bad) == 32
    assert client.get("/api/health", headers={"X-Request-Id": "a b"}).headers["X-Request-Id"] != "a b"


def test_a_log_line_is_json_with_its_request_id_and_personal_data_masked(app):
    record = logging.LogRecord("retire.jobs", logging.WARNING, __file__, 1,
                               "failed for %s phone %s card %s", ("340722196610090114", "13912345678",
                                                                  "6217001234567890123"), None)
    record.data = {"name": "王建国"}   # SpiffWorkflow's task lines carry the case data as extras
    with app.test_request_context("/api/health", headers={"X-Request-Id": "rid-7"}):
        from flask import g
        g.request_id = "rid-7"
        RequestContext().filter(record)
    line = json.loads(json_formatter().format(record))
    assert line["request_id"] == "rid-7" and line["level"] == "WARNING" and line["logger"] == "retire.jobs"
    assert "340722196610090114" not in line["message"] and "13912345678" not in line["message"]
    assert "6217001234567890123" not in line["message"] and "data" not in line
    assert redact("单号 20261203 金额 52345.67") == "单号 20261203 金额 52345.67", "short numbers stay"


def test_metrics_ask_for_the_scrape_token_when_one_is_set(client, monkeypatch):
    monkeypatch.setenv("RETIRE_METRICS_TOKEN", "scrape-secret")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200
