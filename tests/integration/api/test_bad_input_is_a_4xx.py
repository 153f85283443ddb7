"""Bad input is a 4xx in the contract's one error shape: ids and pages are range-checked before any query, every
400/422 names fields in a map ({location: {field: [messages]}}), and messages are Chinese first."""
from __future__ import annotations

import re

import pytest

HUGE = "99999999999999999999999"          # beyond 64 bits
JUST_OVER = str(2**31)                    # one past the largest id an INTEGER column (int4) holds
CJK = re.compile(r"^[\u4e00-\u9fff]")


def _assert_shape(body: dict, code: int):
    assert body["code"] == code and body["status"] and CJK.match(body["message"]), body
    for location, fields in body.get("errors", {}).items():
        assert isinstance(fields, dict), f"errors.{location} must be a field map, not {fields!r}"
        for field, messages in fields.items():
            assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), (field, messages)


@pytest.mark.parametrize("url", ["/api/instances", "/api/tasks", "/api/definitions", "/api/incidents",
                                 "/api/notifications"])
@pytest.mark.parametrize("page", [HUGE, JUST_OVER, "0", "-1"])
def test_a_page_number_out_of_range_is_a_422_naming_page(client, login, url, page):
    rv = client.get(f"{url}?page={page}", headers=login("admin"))
    assert rv.status_code == 422, rv.json
    _assert_shape(rv.json, 422)
    assert "page" in rv.json["errors"]["query"]


def test_a_page_size_beyond_the_bound_is_refused(client, login):
    rv = client.get("/api/instances?page_size=100000", headers=login("admin"))
    assert rv.status_code == 422 and "page_size" in rv.json["errors"]["query"]


def test_the_largest_page_in_range_is_an_empty_page_not_an_error(client, login):
    rv = client.get("/api/instances?page=100000&page_size=500", headers=login("admin"))
    assert rv.status_code == 200 and rv.json["items"] == []


def test_report_pages_are_range_checked_too(client, login):
    rv = client.get(f"/api/reports/upcoming?quarter=2027Q1&page={HUGE}", headers=login("admin"))
    assert rv.status_code == 422 and "page" in rv.json["errors"]["query"]


@pytest.mark.parametrize("path", [f"/api/definitions/{HUGE}", f"/api/definitions/{JUST_OVER}",
                                  f"/api/definitions/{HUGE}/diff", f"/api/drafts/{HUGE}", "/api/definitions/abc",
                                  f"/api/instances/{HUGE}", f"/api/tasks/{HUGE}", "/api/tasks/abc",
                                  f"/api/applications/{HUGE}/progress"])
def test_a_path_id_that_cannot_exist_is_unknown_not_a_server_error(client, login, path):
    rv = client.get(path, headers=login("admin"))
    assert rv.status_code == 404, rv.json
    _assert_shape(rv.json, 404)


def test_an_id_in_a_query_beyond_what_the_column_holds_is_refused_naming_it(client, login):
    rv = client.get(f"/api/definitions/1/diff?against={JUST_OVER}", headers=login("admin"))
    assert rv.status_code in (404, 422), rv.json
    if rv.status_code == 422:
        assert "against" in rv.json["errors"]["query"]


@pytest.mark.parametrize("path", [f"/api/incidents/{HUGE}/retry", f"/api/tasks/{HUGE}/claim",
                                  f"/api/tasks/{HUGE}/complete"])
def test_posting_to_an_id_that_cannot_exist_is_unknown(client, login, path):
    rv = client.post(path, json={}, headers=login("admin"))
    assert rv.status_code in (403, 404), rv.json
    _assert_shape(rv.json, rv.status_code)


def test_an_id_in_a_body_beyond_64_bits_is_a_422_naming_the_field(client, login):
    rv = client.post("/api/localities/340722/overrides", json={"definition_id": int(HUGE)}, headers=login("policy"))
    assert rv.status_code == 422, rv.json
    _assert_shape(rv.json, 422)
    assert "definition_id" in rv.json["errors"]["json"]


def test_a_body_that_is_not_json_is_a_400_with_a_field_map(client, login):
    rv = client.post("/api/instances", data="{not json", headers={**login("admin"), "Content-Type": "application/json"})
    assert rv.status_code == 400
    _assert_shape(rv.json, 400)
    assert rv.json["errors"]["json"]["_schema"]


def test_a_body_of_the_wrong_type_is_a_422_with_a_field_map(client, login):
    rv = client.post("/api/instances", json=[1, 2], headers=login("admin"))
    assert rv.status_code == 422
    _assert_shape(rv.json, 422)


def test_nested_field_errors_are_named_by_their_path(client, login):
    rv = client.post("/api/definitions/validate", json={"locality": "340722", "files": [{"name": "x.bpmn"}]},
                     headers=login("policy"))
    assert rv.status_code == 422
    _assert_shape(rv.json, 422)
    assert "files.0.content" in rv.json["errors"]["json"]


def test_missing_fields_are_reported_chinese_first(client, login):
    rv = client.post("/api/instances", json={"key": "retirement"}, headers=login("admin"))
    assert rv.status_code == 422
    assert rv.json["errors"]["json"]["locality"][0].startswith("必填项")
    assert rv.json["message"].startswith("请求内容不正确")


def test_an_unknown_route_and_a_wrong_method_answer_in_the_error_shape(client, login):
    rv = client.get("/api/no-such-thing", headers=login("admin"))
    _assert_shape(rv.json, 404)
    rv = client.delete("/api/instances", headers=login("admin"))
    assert rv.status_code == 405 and "GET" in rv.headers["Allow"]
    _assert_shape(rv.json, 405)
