"""Every list filter and every body field of the main endpoints, given values a fuzzer sends (NUL characters,
numbers beyond 64 bits, non-finite numbers, wrong types, overlong text), answers a 4xx in the one error shape —
never a 5xx. PostgreSQL refuses NUL in text and JSON, so this matters most there."""
from __future__ import annotations

import itertools

QUERY_VALUES = ["a\u0000b", "", "-1", "0", "99999999999999999999999", "1e400", "NaN", "abc", "x" * 5000, "[]",
                "2026-13-45", "9999-12-31T99:00", "340722' or 1=1--", "Ω"]
LISTS = {"/api/instances": ["page", "page_size", "business_key", "locality", "status", "key"],
         "/api/tasks": ["page", "page_size", "group", "assignee", "locality", "process", "business_key", "due_before"],
         "/api/definitions": ["page", "page_size", "locality", "key", "kind", "effective"],
         "/api/incidents": ["page", "page_size"], "/api/notifications": ["page", "page_size", "business_key"],
         "/api/reports/completions": ["locality", "from", "to"],
         "/api/reports/upcoming": ["locality", "page", "page_size"]}
BODY_VALUES = ["a\u0000b", {"k\u0000": 1}, None, 2**70, 1e308, "x" * 3000, [], True]
BODIES = {"/api/instances": {"key": "retirement", "locality": "340722", "business_key": "b", "variables": {}},
          "/api/messages": {"name": "m", "business_key": "b", "locality": "340722", "payload": {}},
          "/api/definitions/validate": {"locality": "340722", "files": [{"name": "a.json", "content": "{}"}]},
          "/api/applications": {"locality": "340722", "data": {}},
          "/api/localities/340722/overrides": {"definition_id": 1},
          "/api/migrations": {"from_definition": 1, "to_definition": 2, "mappings": {}}}


def _in_shape(rv) -> bool:
    body = rv.json
    return (isinstance(body, dict) and body.get("code") == rv.status_code
            and all(isinstance(v, dict) for v in body.get("errors", {}).values()))


def test_a_malformed_list_filter_is_a_4xx_in_the_error_shape(client, login):
    headers, failures = login("admin"), []
    for url, name, value in ((u, n, v) for u in LISTS for n, v in itertools.product(LISTS[u], QUERY_VALUES)):
        args = {"quarter": "2027Q1"} if url.endswith("upcoming") else {}
        rv = client.get(url, query_string={**args, name: value}, headers=headers)
        if rv.status_code >= 500 or (rv.status_code >= 400 and not _in_shape(rv)):
            failures.append((url, name, value[:20], rv.status_code))
    assert failures == []


def test_a_malformed_body_field_is_a_4xx_in_the_error_shape(client, login):
    headers, failures = login("admin"), []
    for url, name, value in ((u, n, v) for u in BODIES for n, v in itertools.product(BODIES[u], BODY_VALUES)):
        rv = client.post(url, json={**BODIES[url], name: value}, headers=headers)
        if rv.status_code >= 500 or (rv.status_code >= 400 and not _in_shape(rv)):
            failures.append((url, name, str(value)[:20], rv.status_code))
    assert failures == []


def test_a_nul_character_is_refused_naming_the_field(client, login):
    rv = client.get("/api/tasks", query_string={"business_key": "a\u0000"}, headers=login("admin"))
    assert rv.status_code == 422 and "business_key" in rv.json["errors"]["query"]
    rv = client.post("/api/instances", json={"key": "retirement", "locality": "340722", "business_key": "b",
                                             "variables": {"note": "x\u0000"}}, headers=login("admin"))
    assert rv.status_code == 422 and "variables.note" in rv.json["errors"]["json"]
    assert client.get("/api/instances/a%00b", headers=login("admin")).status_code == 404
