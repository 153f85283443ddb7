"""Files saved by Camunda Modeler for Camunda 7 (tests/fixtures/camunda_modeler, untouched) deploy as they are:
over the API and with `retire deploy --check`."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from lxml import etree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "camunda_modeler"
FILES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".bpmn", ".dmn", ".form"))


def _body(locality: str) -> dict:
    return {"locality": locality, "note": "drawn in Camunda Modeler",
            "files": [{"name": p.name, "content": p.read_text(encoding="utf-8")} for p in FILES]}


def test_the_fixtures_are_what_camunda_modeler_saved_for_camunda_7():
    bpmn, dmn, form = (FIXTURES / n for n in ("retiree_medical_switch.bpmn", "retiree_medical_route.dmn",
                                              "retiree_medical_intake.form"))
    for xml in (bpmn.read_text(encoding="utf-8"), dmn.read_text(encoding="utf-8")):
        assert 'exporter="Camunda Modeler"' in xml and 'modeler:executionPlatform="Camunda Platform"' in xml
    assert '"executionPlatform": "Camunda Platform"' in form.read_text(encoding="utf-8")
    assert '"name": "Camunda Modeler"' in form.read_text(encoding="utf-8")


def test_a_policy_officer_deploys_the_camunda_modeler_files_unchanged(client, login):
    officer = login("policy_zy")
    check = client.post("/api/definitions/validate", headers=officer, json=_body("340722"))
    assert check.status_code == 200, check.json
    assert check.json["valid"], check.json["problems"]
    rv = client.post("/api/definitions", headers=officer, json=_body("340722"))
    assert rv.status_code == 201, rv.json
    deployed = {(d["kind"], d["key"]) for d in rv.json["deployed"]}
    assert deployed == {("bpmn", "retiree_medical_switch"), ("dmn", "retiree_medical_route"),
                        ("form", "retiree_medical_intake")}
    stored = client.get("/api/definitions", headers=officer,
                        query_string={"locality": "340722", "key": "retiree_medical_switch"}).json["items"]
    content = client.get(f"/api/definitions/{stored[0]['id']}", headers=officer).json["content"]
    assert content == (FIXTURES / "retiree_medical_switch.bpmn").read_text(encoding="utf-8"), "stored byte for byte"


def test_retire_deploy_check_accepts_the_camunda_modeler_files(eng, database_url, monkeypatch):
    from api.cli import main
    from api.config import Config

    monkeypatch.setattr(Config, "DATABASE_URL", database_url)
    result = CliRunner().invoke(main, ["deploy", "--check", "--locality", "340722", *map(str, FILES)])
    assert result.exit_code == 0, result.output
    assert f"ok: {len(FILES)} file(s) valid for 340722" in result.output


def test_camunda_attributes_the_engine_does_not_use_stop_neither_a_deploy_nor_a_case(client, login):
    """Beyond what the fixture carries: bindings, priorities, retry cycles, starter groups, set in the panel."""
    camunda = "http://camunda.org/schema/1.0/bpmn"
    root = etree.fromstring((FIXTURES / "retiree_medical_switch.bpmn").read_bytes())
    by_tag = lambda tag: next(root.iter(f"{{http://www.omg.org/spec/BPMN/20100524/MODEL}}{tag}"))  # noqa: E731
    for tag, attrs in [("process", {"candidateStarterGroups": "medical_insurance", "isStartableInTasklist": "false"}),
                       ("userTask", {"asyncAfter": "true", "priority": "50", "followUpDate": "P3D"}),
                       ("serviceTask", {"exclusive": "false", "jobPriority": "10", "taskPriority": "5"}),
                       ("businessRuleTask", {"decisionRefBinding": "version", "decisionRefVersion": "1"})]:
        for name, value in attrs.items():
            by_tag(tag).set(f"{{{camunda}}}{name}", value)
    extensions = etree.Element("{http://www.omg.org/spec/BPMN/20100524/MODEL}extensionElements")
    by_tag("serviceTask").insert(0, extensions)
    etree.SubElement(extensions, f"{{{camunda}}}failedJobRetryTimeCycle").text = "R3/PT10M"
    body = _body("340722")
    body["files"][-1]["content"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")
    assert body["files"][-1]["name"] == "retiree_medical_switch.bpmn"
    officer = login("policy_zy")
    check = client.post("/api/definitions/validate", headers=officer, json=body)
    assert check.json["valid"], check.json["problems"]
    assert client.post("/api/definitions", headers=officer, json=body).status_code == 201
    medical = login("zy_medical")
    rv = client.post("/api/instances", headers=medical, json={
        "key": "retiree_medical_switch", "locality": "340722", "business_key": "YB-attrs", "variables": {}})
    assert rv.status_code == 201, rv.json
    assert [t["name"] for t in rv.json["tasks"]] == ["医保窗口受理"]
