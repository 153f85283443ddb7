"""Decision tables as a policy officer and a clerk use them: `retire decide`, the evaluate endpoint, a county change."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from engine.definitions import DefinitionFile
from tests.support.people import person

ROOT = Path(__file__).resolve().parents[3]


def _decide(database_url, *args):
    env = {**os.environ, "RETIRE_DATABASE_URL": database_url, "RETIRE_PROCESSES_DIR": str(ROOT / "processes"),
           "RETIRE_FORMS_DIR": str(ROOT / "forms")}
    return subprocess.run([sys.executable, "-m", "api.cli", "decide", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_retire_decide_prints_the_outputs_as_one_json_object(eng, database_url):
    out = _decide(database_url, "statutory_retirement_age", "--locality", "340722",
                  "--input", "category=male", "--input", "birth_month=1965-05")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"delay_months": 2, "retirement_age_months": 722, "retirement_month": "2025-07"}


@pytest.mark.parametrize("args, says", [
    (["no_such_table", "--input", "x=1"], "no_such_table"),
    (["statutory_retirement_age", "--input", "category=male"], "birth_month"),
    (["statutory_retirement_age", "--input", "category"], "NAME=VALUE"),
    (["pension_divisor", "--input", "age_years=30", "--input", "age_months=0"], "no rule matches"),
])
def test_retire_decide_fails_with_one_line_saying_what_is_wrong(eng, database_url, args, says):
    out = _decide(database_url, *args)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], out.stderr


def test_the_evaluate_endpoint_says_which_rule_matched(client, login):
    rv = client.post("/api/decisions/pension_divisor/evaluate", headers=login("policy_zy"),
                     json={"locality": "340722", "inputs": {"age_years": 60, "age_months": 1}})
    assert rv.status_code == 200, rv.json
    assert str(rv.json["outputs"]["months"]) == "138.4" and len(rv.json["matched_rules"]) == 1
    rv = client.post("/api/decisions/pension_divisor/evaluate", headers=login("policy_zy"),
                     json={"locality": "340722", "inputs": {"age_years": 60}})
    assert rv.status_code == 422 and "age_months" in rv.json["message"]


def test_a_cell_changed_and_deployed_to_one_county_changes_only_that_countys_new_cases(eng, client, login, roster):
    national = (ROOT / "processes" / "000000" / "statutory_retirement_age.dmn").read_text(encoding="utf-8")
    # a (hypothetical) county rule: the 1966-01..04 male cohort retires at 61 instead of 60 years 4 months
    changed = national.replace("<text>724</text>", "<text>732</text>", 1)
    assert changed != national
    officer = login("policy_zy")
    rv = client.post("/api/definitions", headers=officer, json={
        "locality": "340722", "note": "county cohort test",
        "files": [{"name": "statutory_retirement_age.dmn", "content": changed}]})
    assert rv.status_code == 201, rv.json
    assert rv.json["deployed"][0]["locality"] == "340722"

    zy = client.post("/api/decisions/statutory_retirement_age/evaluate", headers=login("admin"),
                     json={"locality": "340722", "inputs": {"category": "male", "birth_month": "1966-02"}}).json
    jl = client.post("/api/decisions/statutory_retirement_age/evaluate", headers=login("admin"),
                     json={"locality": "220000", "inputs": {"category": "male", "birth_month": "1966-02"}}).json
    assert zy["defined_at"] == "340722" and jl["defined_at"] == "000000"
    assert zy["outputs"]["retirement_age_months"] == 732 and jl["outputs"]["retirement_age_months"] == 724

    p = roster(person(county="340722", born=date(1966, 2, 9), seq=51))
    variables = {"id_number": p["id_number"], "name": p["name"], "category": "male", "sex": "male",
                 "birth_month": "1966-02", "channel": "employer", "retirement_type": "normal", "phone": p["phone"],
                 "bank_card": p["bank_card"]}
    new_case = eng.start("retirement", "340722", "BK-new", variables, "test")
    admin = login("admin")
    data = client.get(f"/api/instances/{new_case}", headers=admin).json["variables"]
    assert data["statutory"]["retirement_age_months"] == 732


def test_running_cases_keep_the_table_they_started_with(eng, client, login, roster):
    p = roster(person(county="340722", born=date(1966, 2, 9), seq=53))
    variables = {"id_number": p["id_number"], "name": p["name"], "category": "male", "sex": "male",
                 "birth_month": "1966-02", "channel": "employer", "retirement_type": "normal", "phone": p["phone"],
                 "bank_card": p["bank_card"]}
    old_case = eng.start("retirement", "340722", "BK-old", variables, "test")
    national = (ROOT / "processes" / "000000" / "statutory_retirement_age.dmn").read_text(encoding="utf-8")
    eng.deploy("340722", [DefinitionFile("statutory_retirement_age.dmn",
                                         national.replace("<text>724</text>", "<text>732</text>", 1))], "policy_zy")
    with eng.runtime.reading() as s:
        from engine.store.models import Instance
        row = s.get(Instance, old_case)
        assert eng.runtime.decisions.decide("statutory_retirement_age", "340722", {"category": "male", "birth_month": "1966-02"},
                          seq=row.snapshot_seq, session=s)["retirement_age_months"] == 724
