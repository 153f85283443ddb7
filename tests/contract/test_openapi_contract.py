"""The published OpenAPI document, checked by a machine: schemathesis generates requests for every operation
from the served /api/openapi.json and sends them to the app (in-process WSGI) as an admin, a clerk and a policy
officer. No request may get a 5xx, every body must match the schema published for its status, and every 4xx
body must have the error shape of api.md ({code, status, message, errors?}, errors a field map).

Bounded: requests a client means to succeed first, then a few generated examples per operation and role
(derandomized, so a run is repeatable), then once more with the ids of real records so 200 bodies are checked too. The figures (requests, failures by check) are printed.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime

import pytest
import sqlalchemy as sa

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import Failure, FailureGroup  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from tests.conftest import ROOT, create_schema  # noqa: E402
from tests.integration.engine.conftest import APPROVE_THEN_WITHDRAW as PROBE_BPMN  # noqa: E402
from tests.support.people import application_data, person  # noqa: E402

pytestmark = pytest.mark.slow

ROLES = ("admin", "zy_hrss", "policy")       # an admin, a clerk, a policy officer
RANDOM_EXAMPLES = 6                          # per operation, role and generation mode
REAL_ID_EXAMPLES = 4                         # per operation and role, with the ids of real records


class ErrorShape(Failure):
    """A 4xx body that is not {code, status, message, errors?} with errors a field map."""
    code = "ST999"
    checks = ("error_shape",)
    kind_title = "4xx body not in the error shape of api.md"


def _field_map(value) -> bool:
    """{field: [messages]} — a nested field maps to its own field map."""
    return isinstance(value, dict) and all(
        isinstance(k, str) and ((isinstance(v, list) and all(isinstance(m, str) for m in v)) or _field_map(v))
        for k, v in value.items())


def error_shape_problem(status: int, body) -> str | None:
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if body.get("code") != status:
        return f"code is {body.get('code')!r}, the status is {status}"
    if not isinstance(body.get("status"), str) or not body["status"]:
        return "status (the reason phrase) is missing"
    if not isinstance(body.get("message"), str) or not body["message"]:
        return "message is missing"
    if "errors" in body and not (isinstance(body["errors"], dict) and
                                 all(isinstance(loc, str) and _field_map(fields)
                                     for loc, fields in body["errors"].items())):
        return f"errors is not {{location: {{field: [messages]}}}}: {json.dumps(body['errors'], ensure_ascii=False)[:200]}"
    return None


@schemathesis.check
def error_shape(ctx, response, case):
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        body = None
    problem = error_shape_problem(response.status_code, body)
    if problem:
        raise ErrorShape(operation=case.operation.label, title="4xx body not in the error shape", message=problem)
    return None


CHECKS = {"not_a_server_error": not_a_server_error, "response_schema_conformance": response_schema_conformance,
          "error_shape": error_shape}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app on a database with demo accounts, a few real cases, an incident and a draft; the requests a
    client means to succeed."""
    from api import create_app
    from api.demo import DEMO_USERS, demo_password, ensure_user
    from engine.bootstrap import bootstrap
    from engine.clock import FakeClock
    from engine.definitions import DefinitionFile
    from engine.store.models import Definition, HumanTask, Job
    from handlers.ledger.demo_roster import load_roster
    from tests.conftest import PG_URL, reset_database

    if PG_URL:
        reset_database(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'retire.db'}"
    create_schema(url)
    eng = bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms",
                    clock=FakeClock(datetime(2026, 11, 22, 9, 0)), worker_id="contract-worker")
    eng.deploy_folders("test")
    for user in DEMO_USERS:
        ensure_user(eng, *user)
    app = create_app({"TESTING": True, "SECRET_KEY": "contract-secret-key-0123456789-abcdefghijkl",
                      "RATELIMIT_ENABLED": False}, engine=eng)
    client = app.test_client()
    roles = {u[0]: u[1] for u in DEMO_USERS}

    def token(username):
        rv = client.post("/api/auth/token", json={"username": username, "password": demo_password(roles[username])})
        assert rv.status_code == 200, rv.json
        return {"Authorization": f"Bearer {rv.json['token']}"}

    headers = {name: token(name) for name in (*ROLES, "zy_community")}
    people = [person(county="340722", born=date(1966, 2 + n, 9), seq=31 + 2 * n) for n in range(3)]
    load_roster(eng.runtime.db, people)
    applications = []
    for p in people:
        rv = client.post("/api/applications", headers=headers["zy_community"],
                         json={"locality": "340722", "data": application_data(p, channel="community")})
        assert rv.status_code == 201, rv.json
        applications.append(rv.json)
    eng.run_due_jobs()
    with eng.runtime.transaction() as s:  # a message that could not be delivered after its last attempt: an incident
        now = eng.runtime.now()
        s.add(Job(instance_id=None, task_id="contract-incident", kind="message", topic="probe", activity_id="probe",
                  activity_name="probe", locality="340722", locality_path=eng.runtime.localities.path("340722"), due_at=now,
                  status="incident", attempts=3, max_attempts=3, last_error="ConnectionError: probe",
                  payload={"name": "probe", "business_key": "BK-none"}, created_at=now, updated_at=now))
    eng.deploy("000000", [DefinitionFile("probe_withdrawal.bpmn", PROBE_BPMN)], "test", "contract")
    with eng.runtime.reading() as s:
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.status == "open",
                                                         HumanTask.instance_id == applications[0]["instance_id"]))
        definition_id = s.scalar(sa.select(Definition.id).where(Definition.kind == "bpmn").order_by(Definition.id))
        incident_id = s.scalar(sa.select(Job.id).where(Job.status == "incident"))
    rv = client.put("/api/drafts", headers=headers["policy"],
                    json={"locality": "000000", "file_name": "草稿.bpmn", "content": PROBE_BPMN})
    assert rv.status_code == 200, rv.json
    real_ids = {"task_id": task_id, "instance_id": applications[1]["instance_id"],
                "application_id": applications[0]["id"], "definition_id": definition_id, "job_id": incident_id,
                "code": "340722", "decision_id": "statutory_retirement_age", "draft_id": rv.json["id"]}
    newcomer = person(county="340722", born=date(1966, 1, 9), seq=71)  # inside the one-month window
    load_roster(eng.runtime.db, [newcomer])
    valid = [  # (method, path, path parameters, query, body): requests a client means to succeed
        ("POST", "/api/auth/token", {}, None, {"username": "admin", "password": demo_password("admin")}),
        ("POST", "/api/definitions/validate", {}, None,
         {"locality": "000000", "files": [{"name": "probe_withdrawal.bpmn", "content": PROBE_BPMN}]}),
        ("POST", "/api/definitions", {}, None,
         {"locality": "000000", "note": "契约测试", "files": [{"name": "probe_withdrawal.bpmn", "content": PROBE_BPMN}]}),
        ("GET", "/api/definitions/{definition_id}/diff", {"definition_id": definition_id}, {"against": definition_id},
         None),
        ("PUT", "/api/drafts", {}, None, {"locality": "000000", "file_name": "另一个.bpmn", "content": PROBE_BPMN}),
        ("POST", "/api/decisions/{decision_id}/evaluate", {"decision_id": "statutory_retirement_age"}, None,
         {"locality": "340722", "inputs": {"category": "male", "birth_month": "1966-01"}}),
        ("POST", "/api/instances", {}, None,
         {"key": "probe_withdrawal", "locality": "340722", "business_key": "BK-contract", "variables": {}}),
        ("POST", "/api/instances/{instance_id}/cancel", {"instance_id": applications[2]["instance_id"]}, None,
         {"reason": "契约测试撤销"}),
        ("POST", "/api/tasks/{task_id}/claim", {"task_id": task_id}, None, None),
        ("POST", "/api/tasks/{task_id}/unclaim", {"task_id": task_id}, None, None),
        ("POST", "/api/incidents/{job_id}/retry", {"job_id": incident_id}, None, None),
        ("POST", "/api/incidents/retry", {}, None, {"job_ids": [incident_id]}),
        ("POST", "/api/applications", {}, None,
         {"locality": "340722", "data": application_data(newcomer, channel="community")}),
        ("POST", "/api/users", {}, None, {"username": "contract_clerk", "password": "contract-pass-1", "role": "clerk",
                                          "locality": "340722", "groups": ["hrss"], "display_name": "契约"}),
        ("POST", "/api/migrations", {}, None, {"from_definition": definition_id, "to_definition": definition_id}),
        ("GET", "/api/users/{username}", {"username": "zy_community"}, None, None),
        ("PATCH", "/api/users/{username}", {"username": "zy_community"}, None, {"display_name": "枞阳县社区经办（契约）"}),
    ]
    yield app, headers, real_ids, valid
    eng.runtime.db.dispose()


def _operations(schema):
    """Every operation; logging out last, since it ends the role's sessions (the rest would only see 401s)."""
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda op: op.path == "/api/auth/logout")


def _run(operation, strategy, auth, examples: int, record) -> None:
    @given(case=strategy)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck), print_blob=False)
    def send(case):
        response = case.call(headers=auth)
        record(case, response)

    send()


def test_every_operation_answers_each_role_without_5xx_in_its_published_schema_and_error_shape(served, capsys):
    app, headers, real_ids, valid = served
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    requests, statuses, answered = Counter(), Counter(), Counter()
    failures: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))  # check → operation → examples

    def record(case, response):
        requests[case.operation.label] += 1
        statuses[response.status_code] += 1
        if response.status_code < 300:
            answered[case.operation.label] += 1
        for name, check in CHECKS.items():
            try:
                case.validate_response(response, checks=[check])
            except FailureGroup as group:
                for failure in group.exceptions:
                    failures[name][case.operation.label].add(
                        f"{response.status_code} {failure.title}: {str(failure.message)[:300]}")
            except Failure as failure:
                failures[name][case.operation.label].add(f"{response.status_code} {failure.title}")

    for role in ROLES:
        auth = headers[role]
        for method, path, path_parameters, query, body in valid:  # first the requests meant to succeed
            case = schema[path][method].Case(path_parameters=path_parameters or None, query=query,
                                             **({} if body is None else {"body": body, "media_type": "application/json"}))
            record(case, case.call(headers=auth))
        for operation in _operations(schema):
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _run(operation, operation.as_strategy(generation_mode=mode), auth, RANDOM_EXAMPLES, record)
            names = {p.name for p in operation.path_parameters}
            if names and names <= set(real_ids):
                strategy = operation.as_strategy(path_parameters={n: real_ids[n] for n in names})
                _run(operation, strategy, auth, REAL_ID_EXAMPLES, record)

    total = sum(requests.values())
    with capsys.disabled():  # the figures show in every run, passing or not
        print(f"\nschemathesis: {total} requests to {len(requests)} operations as {', '.join(ROLES)}; "
              f"statuses {dict(sorted(statuses.items()))}")
        for name in CHECKS:
            ops = failures.get(name, {})
            print(f"  {name}: {len(ops)} operation(s) failing")
            for label, examples in sorted(ops.items()):
                for example in sorted(examples)[:3]:
                    print(f"    {label}: {example}")
        print(f"  never answered 2xx: {sorted(set(requests) - set(answered))}")
    assert total > 0
    assert not failures, {name: sorted(ops) for name, ops in failures.items()}
