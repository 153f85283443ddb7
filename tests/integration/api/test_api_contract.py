"""The API as external clients meet it: health, docs, tokens, roles, locality scope, masking, one error shape."""
from __future__ import annotations

from datetime import date

from tests.support.people import application_data, person


def test_health_answers_without_a_token_and_reports_the_database(client):
    rv = client.get("/api/health")
    assert rv.status_code == 200
    assert rv.json["database"] == "ok" and rv.json["worker"] == "absent"


def test_openapi_and_the_interactive_docs_are_served_without_a_token(client):
    spec = client.get("/api/openapi.json").json
    for path in ("/api/tasks/{task_id}/complete", "/api/applications/{application_id}/progress",
                 "/api/reports/completions", "/api/incidents/{job_id}/retry", "/api/messages"):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.data
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def test_a_wrong_password_is_401_and_a_missing_token_is_401_in_the_one_error_shape(client):
    rv = client.post("/api/auth/token", json={"username": "zy_hrss", "password": "nope"})
    assert rv.status_code == 401 and set(rv.json) >= {"code", "status", "message"}
    rv = client.get("/api/tasks")
    assert rv.status_code == 401 and rv.json["code"] == 401 and rv.json["status"] == "Unauthorized"
    rv = client.get("/api/tasks", headers={"Authorization": "Bearer not-a-token"})
    assert rv.status_code == 401


def test_a_missing_field_is_422_naming_the_field(client, login):
    rv = client.post("/api/auth/token", json={"username": "x"})
    assert rv.status_code == 422 and "password" in rv.json["errors"]["json"]


def test_a_zongyang_clerk_never_sees_a_jilin_record(eng, client, login, roster):
    jl = roster(person(county="220102", born=date(1967, 3, 15), seq=41))
    employer = login("jl_employer")
    rv = client.post("/api/applications", headers=employer,
                     json={"locality": "220000", "data": application_data(jl, channel="employer")})
    assert rv.status_code == 201, rv.json
    app_id, instance_id = rv.json["id"], rv.json["instance_id"]
    eng.run_due_jobs()
    zy = login("zy_hrss")
    assert client.get("/api/tasks", headers=zy).json["total"] == 0
    assert client.get("/api/instances", headers=zy).json["total"] == 0
    assert client.get(f"/api/instances/{instance_id}", headers=zy).status_code == 404, "as if it did not exist"
    assert client.get(f"/api/applications/{app_id}/progress", headers=zy).status_code == 404  # as an unknown id
    rv = client.post("/api/applications", headers=zy,
                     json={"locality": "220000", "data": application_data(jl, channel="employer")})
    assert rv.status_code == 403
    jl_hrss = login("jl_hrss")
    tasks = client.get("/api/tasks", headers=jl_hrss).json
    assert tasks["total"] == 1


def test_lists_mask_personal_data_and_the_whole_record_read_is_audited(eng, client, login, roster):
    import sqlalchemy as sa

    from engine.store.models import AuditEvent

    p = roster(person(county="340722", born=date(1966, 2, 9), name="欧阳建国", phone="13812345678"))
    community = login("zy_community")
    rv = client.post("/api/applications", headers=community,
                     json={"locality": "340722", "data": application_data(p, channel="community")})
    assert rv.status_code == 201, rv.json
    eng.run_due_jobs()
    task = client.get("/api/tasks", headers=community).json["items"][0]
    assert task["summary"]["name"] == "欧阳**"
    assert task["summary"]["id_number"] == p["id_number"][:6] + "********" + p["id_number"][-4:]
    full = client.get(f"/api/tasks/{task['id']}", headers=community).json
    assert full["data"]["id_number"] == p["id_number"] and full["form"]["id"] == "collection_form"
    with eng.runtime.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.username == "zy_community", AuditEvent.resource == "task")) == 1


def test_an_application_with_a_bad_id_number_and_phone_is_422_naming_each_field(client, login):
    rv = client.post("/api/applications", headers=login("zy_community"), json={"locality": "340722", "data": {
        "name": "张三", "id_number": "340722196610090011", "phone": "12345", "channel": "community",
        "retirement_type": "normal", "bank_card": "6217001234567890123", "consent": True}})
    assert rv.status_code == 422
    fields = rv.json["errors"]["json"]
    assert "check digit" in fields["id_number"][0] and set(fields) == {"id_number", "phone"}


def test_a_woman_must_say_whether_her_original_age_was_50_or_55(client, login, roster):
    p = roster(person(county="340722", born=date(1975, 3, 1), sex="female", seq=20))
    data = application_data(p, channel="community")
    data.pop("category")
    rv = client.post("/api/applications", headers=login("zy_community"), json={"locality": "340722", "data": data})
    assert rv.status_code == 422 and "category" in rv.json["errors"]["json"]


def test_unknown_ids_are_404_and_a_message_nobody_waits_for_is_404(client, login):
    admin = login("admin")
    assert client.get("/api/instances/nope", headers=admin).status_code == 404
    assert client.get("/api/tasks/nope", headers=admin).status_code == 404
    assert client.post("/api/incidents/999/retry", headers=admin).status_code == 404
    rv = client.post("/api/messages", headers=login("jishiban"),
                     json={"name": "formal_launch", "business_key": "none", "locality": "220000"})
    assert rv.status_code == 404 and "formal_launch" in rv.json["message"]


def test_a_clerk_cannot_deploy_and_a_policy_officer_cannot_complete_tasks(client, login):
    rv = client.post("/api/definitions/validate", headers=login("zy_hrss"),
                     json={"locality": "340722", "files": [{"name": "x.bpmn", "content": "<x/>"}]})
    assert rv.status_code == 403
    assert client.get("/api/tasks", headers=login("policy_zy")).status_code == 403


def test_lists_are_paginated_with_a_total(eng, client, login):
    admin = login("admin")
    rv = client.get("/api/definitions", headers=admin, query_string={"page_size": 5, "page": 2})
    assert rv.status_code == 200 and len(rv.json["items"]) == 5 and rv.json["total"] > 10
    assert client.get("/api/definitions", headers=admin, query_string={"page_size": 0}).status_code == 422
