"""Every file download (a GET whose documented 200 is not JSON: XLSX, PDF, …) and every whole-record read (a GET with a
``whole`` query parameter, asked with whole=true) leaves an audit row naming who read what. The routes are found in
the served OpenAPI document, so a new download or whole read is covered the day it is added."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.support.scope_world import build_world

QUERY = {"quarter": "2027Q1", "department": "medical_insurance"}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = build_world(tmp_path_factory)
    yield w
    w.eng.runtime.db.dispose()


def _path_values(w) -> dict:
    return {"instance_id": w.zy["instance_id"], "task_id": w.zy["task_id"], "application_id": w.zy["application_id"]}


def _downloads(spec):
    for path, ops in spec["paths"].items():
        op = ops.get("get")
        content = ((op or {}).get("responses", {}).get("200") or {}).get("content") or {}
        if op and content and not any(t.endswith("json") for t in content):
            yield path, op, sorted(content)


def _whole_reads(spec):
    for path, ops in spec["paths"].items():
        op = ops.get("get")
        if op and any(p.get("name") == "whole" and p.get("in") == "query" for p in op.get("parameters", [])):
            yield path, op


def _audit_rows(w, username) -> list:
    from engine.store.models import AuditEvent

    with w.eng.runtime.reading() as s:
        return s.execute(sa.select(AuditEvent.id, AuditEvent.action, AuditEvent.resource, AuditEvent.resource_id)
                         .where(AuditEvent.username == username).order_by(AuditEvent.id)).all()


def _url(path, values):
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def test_every_file_download_leaves_an_audit_row(world):
    w = world
    headers = w.login("admin")
    spec = w.client.get("/api/openapi.json").json
    downloads = list(_downloads(spec))
    kinds = {t for _p, _o, types in downloads for t in types}
    assert {"application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= kinds
    served, missing = [], []
    for path, op, _types in downloads:
        names = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
        before = len(_audit_rows(w, "admin"))
        rv = w.client.get(_url(path, _path_values(w)), headers=headers,
                          query_string={k: v for k, v in QUERY.items() if k in names})
        assert rv.status_code < 500, (path, rv.status_code)
        if rv.status_code == 200:
            served.append(path)
            if len(_audit_rows(w, "admin")) != before + 1:
                missing.append(path)
    assert not missing, f"downloads without an audit row: {missing}"
    assert {"/api/reports/collection-form.xlsx", "/api/reports/collection-form.pdf", "/api/reports/upcoming.xlsx",
            "/api/reports/pushed.xlsx", "/api/reports/completions/monthly.xlsx"} <= set(served)


def test_every_whole_record_read_leaves_an_audit_row(world):
    w = world
    headers = w.login("admin")
    spec = w.client.get("/api/openapi.json").json
    reads = list(_whole_reads(spec))
    assert reads, "the document lists the whole-record reads"
    for path, _op in reads:
        before = len(_audit_rows(w, "admin"))
        rv = w.client.get(_url(path, _path_values(w)), headers=headers, query_string={"whole": "true"})
        assert rv.status_code == 200, (path, rv.status_code, rv.json)
        rows = _audit_rows(w, "admin")
        assert len(rows) == before + 1 and rows[-1].action == "read_whole", (path, rows[-3:])
