"""Need-to-know: a clerk reads a case's personal data whole only when their department works on it, only on asking
(?whole=true), and every such read is an audit row an auditor of that subtree reads through GET /api/audit.
Also: inherited definitions are readable, deploying is only into one's own subtree, migrations move only the
caller's cases, and the outbox and the locality tree are scoped."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.scope_world import JILIN_NAME, ZONGYANG_NAME, body_text, build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = build_world(tmp_path_factory)
    yield w
    w.eng.runtime.db.dispose()


def _audit(w, headers, **query):
    rv = w.client.get("/api/audit", headers=headers, query_string=query)
    assert rv.status_code == 200, rv.json
    return rv.json


def test_a_case_read_without_asking_is_masked_and_leaves_no_audit_row(world):
    w = world
    community = w.login("zy_community")
    before = _audit(w, w.login("zy_auditor", "auditor123"), instance_id=w.zy["instance_id"])["total"]
    rv = w.client.get(f"/api/instances/{w.zy['instance_id']}", headers=community)
    assert rv.status_code == 200
    v = rv.json["variables"]
    assert v["name"] == ZONGYANG_NAME[0] + "**" and v["id_number"] != w.zy_person["id_number"]
    assert v["phone"] == "138****1111" and v["requested_card"].endswith("0123") and v["requested_card"].startswith("*")
    assert _audit(w, w.login("zy_auditor", "auditor123"), instance_id=w.zy["instance_id"])["total"] == before


@pytest.mark.parametrize("clerk,why", [("zy_community", "its group holds the case's task"),
                                       ("zy_hrss", "social insurance runs the case's pension item")])
def test_a_clerk_whose_department_works_on_the_case_reads_it_whole_on_request_and_is_audited(world, clerk, why):
    w = world
    rv = w.client.get(f"/api/instances/{w.zy['instance_id']}", headers=w.login(clerk), query_string={"whole": "true"})
    assert rv.status_code == 200, (why, rv.json)
    v = rv.json["variables"]
    assert (v["name"], v["id_number"], v["phone"]) == (ZONGYANG_NAME, w.zy_person["id_number"], w.zy_person["phone"])
    rows = _audit(w, w.login("zy_auditor", "auditor123"), actor=clerk, instance_id=w.zy["instance_id"])["items"]
    assert rows and rows[0]["action"] == "read_whole" and rows[0]["locality"] == "340722"
    assert rows[0]["details"]["business_key"] == w.zy["business_key"]


@pytest.mark.parametrize("username", ["zy_housing", "zy_medical", "policy_zy", "zy_auditor", "wanshitong"])
def test_someone_whose_department_does_not_work_on_the_case_gets_it_masked_and_whole_is_refused(world, username):
    w = world
    headers = w.login(username, "auditor123" if username == "zy_auditor" else None)
    rv = w.client.get(f"/api/instances/{w.zy['instance_id']}", headers=headers)
    assert rv.status_code == 200 and ZONGYANG_NAME not in body_text(rv)
    assert w.zy_person["id_number"] not in body_text(rv)
    rv = w.client.get(f"/api/instances/{w.zy['instance_id']}", headers=headers, query_string={"whole": "true"})
    assert rv.status_code == 403 and ZONGYANG_NAME not in body_text(rv)


def test_lists_of_cases_and_tasks_never_carry_whole_personal_data(world):
    w = world
    for url in ("/api/instances", "/api/tasks", "/api/notifications"):
        text = body_text(w.client.get(url, headers=w.login("zy_community")))
        assert w.zy["business_key"] in text, url
        assert ZONGYANG_NAME not in text and w.zy_person["id_number"] not in text and w.zy_person["phone"] not in text


def test_an_auditor_reads_only_their_subtree_of_the_audit_log_and_a_national_auditor_reads_both(world):
    w = world
    w.client.get(f"/api/instances/{w.jl['instance_id']}", headers=w.login("jl_hrss"), query_string={"whole": "true"})
    w.client.get(f"/api/instances/{w.zy['instance_id']}", headers=w.login("zy_hrss"), query_string={"whole": "true"})
    zy = _audit(w, w.login("zy_auditor", "auditor123"))
    assert zy["total"] >= 1 and {r["locality"] for r in zy["items"]} == {"340722"}
    assert w.jl["instance_id"] not in body_text(w.client.get("/api/audit", headers=w.login("zy_auditor", "auditor123")))
    jl = _audit(w, w.login("jl_auditor", "auditor123"), actor="jl_hrss")
    assert jl["items"] and {r["instance_id"] for r in jl["items"]} == {w.jl["instance_id"]}
    national = _audit(w, w.login("auditor"), action="read_whole")
    assert {w.jl["instance_id"], w.zy["instance_id"]} <= {r["instance_id"] for r in national["items"]}


def test_the_audit_log_filters_by_time_and_pages_by_keyset(world):
    w = world
    for _ in range(3):
        w.client.get(f"/api/instances/{w.zy['instance_id']}", headers=w.login("zy_community"),
                     query_string={"whole": "true"})
    auditor = w.login("zy_auditor", "auditor123")
    everything = _audit(w, auditor, actor="zy_community", page_size=200)["items"]
    assert len(everything) >= 3
    first = _audit(w, auditor, actor="zy_community", page_size=2)
    assert len(first["items"]) == 2 and first["next_before_id"] == first["items"][-1]["id"]
    second = _audit(w, auditor, actor="zy_community", page_size=2, before_id=first["next_before_id"])
    assert [r["id"] for r in first["items"] + second["items"]] == [r["id"] for r in everything][:4]
    now = w.clock.now()
    assert _audit(w, auditor, actor="zy_community", **{"from": (now + timedelta(minutes=1)).isoformat()})["total"] == 0
    assert _audit(w, auditor, actor="zy_community", **{"to": (now + timedelta(minutes=1)).isoformat()})["total"] \
        == len(everything)
    rv = w.client.get("/api/audit", headers=auditor, query_string={"from": now.isoformat(), "to": now.isoformat()})
    assert rv.status_code == 422 and "to" in rv.json["errors"]["query"]


def test_only_auditors_read_the_audit_log_and_it_is_documented(world):
    w = world
    assert w.client.get("/api/audit", headers=w.login("zy_hrss")).status_code == 403
    assert w.client.get("/api/audit", headers=w.login("policy_zy")).status_code == 403
    spec = w.client.get("/api/openapi.json").json
    op = spec["paths"]["/api/audit"]["get"]
    assert {"actor", "instance_id", "from", "to", "before_id", "page_size"} <= {p["name"] for p in op["parameters"]}
    assert "AuditList" in spec["components"]["schemas"]


def test_a_county_policy_officer_reads_inherited_definitions_but_deploys_only_into_their_own_subtree(world):
    w = world
    policy = w.login("policy_zy")
    listed = w.client.get("/api/definitions", headers=policy, query_string={"page_size": 500}).json
    localities = {d["locality"] for d in listed["items"]}
    assert {"000000", "340722"} <= localities and "220000" not in localities
    assert w.client.get(f"/api/definitions/{w.national_dmn['id']}", headers=policy).status_code == 200
    assert w.client.get(f"/api/definitions/{w.jl['definition_id']}", headers=policy).status_code == 404
    rv = w.client.get(f"/api/definitions/{w.jl['definition_v2']}/diff", headers=policy,
                      query_string={"against": w.jl["definition_id"]})
    assert rv.status_code == 404
    assert w.client.get("/api/definitions", headers=policy, query_string={"locality": "220000"}).status_code == 403
    files = [{"name": "pension_divisor.dmn", "content": w.national_dmn.get("content") or ""}]
    for target, status in (("340000", 403), ("000000", 403), ("220000", 403)):
        rv = w.client.post("/api/definitions/validate", headers=policy, json={"locality": target, "files": files})
        assert rv.status_code == status, (target, rv.json)
    rv = w.client.post("/api/localities/340722/overrides", headers=policy,
                       json={"definition_id": w.jl["definition_id"]})
    assert rv.status_code == 404, "another branch's definition cannot be copied in"


def test_a_county_policy_officer_migrates_only_their_own_cases(world):
    w = world
    policy_zy = w.login("policy_zy")
    rv = w.client.post("/api/migrations", headers=policy_zy,
                       json={"from_definition": w.jl["definition_id"], "to_definition": w.jl["definition_v2"]})
    assert rv.status_code == 404
    rv = w.client.post("/api/migrations", headers=policy_zy, json={
        "from_definition": w.zy["definition_id"], "to_definition": w.zy["definition_id"],
        "instance_ids": [w.jl["instance_id"]]})
    assert rv.status_code == 404 and w.jl["instance_id"] not in body_text(rv)
    rv = w.client.post("/api/migrations", headers=policy_zy,
                       json={"from_definition": w.zy["definition_id"], "to_definition": w.zy["definition_id"]})
    assert rv.status_code == 200, rv.json
    assert [i["instance_id"] for i in rv.json["items"]] == [w.zy["instance_id"]]
    policy_jl = w.login("policy_jl")
    rv = w.client.post("/api/migrations", headers=policy_jl,
                       json={"from_definition": w.jl["definition_id"], "to_definition": w.jl["definition_v2"]})
    assert rv.status_code == 200 and [i["instance_id"] for i in rv.json["items"]] == [w.jl["instance_id"]]


def test_the_outbox_and_the_locality_tree_show_a_county_only_its_own_branch(world):
    w = world
    clerk = w.login("zy_hrss")
    out = w.client.get("/api/notifications", headers=clerk).json
    assert {i["business_key"] for i in out["items"]} == {w.zy["business_key"]}
    assert w.client.get("/api/notifications", headers=clerk,
                        query_string={"business_key": w.jl["business_key"]}).json["total"] == 0
    assert JILIN_NAME[0] + "**" in body_text(w.client.get("/api/notifications", headers=w.login("jl_hrss")))
    codes = [c["code"] for c in w.client.get("/api/localities", headers=clerk).json["items"]]
    assert codes == ["000000", "340000", "340700", "340722"]
    assert "220000" in [c["code"] for c in w.client.get("/api/localities", headers=w.login("admin")).json["items"]]


def test_an_auditor_reads_a_task_with_its_personal_data_masked_and_its_own_clerk_reads_it_whole(world):
    w = world
    rv = w.client.get(f"/api/tasks/{w.zy['task_id']}", headers=w.login("zy_auditor", "auditor123"))
    assert rv.status_code == 200 and ZONGYANG_NAME not in body_text(rv)
    assert rv.json["data"]["id_number"].startswith("340722") and "*" in rv.json["data"]["id_number"]
    rv = w.client.get(f"/api/tasks/{w.zy['task_id']}", headers=w.login("zy_community"))
    assert rv.status_code == 200 and rv.json["data"]["name"] == ZONGYANG_NAME
    assert w.client.get(f"/api/tasks/{w.zy['task_id']}", headers=w.login("zy_housing")).status_code == 403


def test_an_audit_row_written_elsewhere_lands_in_the_subtree_of_the_record_it_concerns(world):
    w = world
    rv = w.client.get(f"/api/applications/{w.zy['application_id']}/progress", headers=w.login("wanshitong"))
    assert rv.status_code == 200, rv.json
    rows = _audit(w, w.login("zy_auditor", "auditor123"), actor="wanshitong")["items"]
    assert rows and rows[0]["instance_id"] == w.zy["instance_id"] and rows[0]["locality"] == "340722"
    assert not _audit(w, w.login("jl_auditor", "auditor123"), actor="wanshitong")["items"]


def test_a_clerks_read_of_a_task_is_audited_with_the_tasks_case_and_locality(world):
    w = world
    rv = w.client.get(f"/api/tasks/{w.zy['task_id']}", headers=w.login("admin"))
    assert rv.status_code == 200, rv.json
    rows = _audit(w, w.login("zy_auditor", "auditor123"), actor="admin", instance_id=w.zy["instance_id"])["items"]
    read = [r for r in rows if r["action"] == "read" and r["resource"] == "task"]
    assert read and read[0]["resource_id"] == w.zy["task_id"] and read[0]["locality"] == "340722"
