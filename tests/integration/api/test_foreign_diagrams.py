"""The 21 OMG MIWG reference diagrams, drawn in other tools: validation and deploy answer each with
element-level reasons (or deploy it), never a crash or a 500."""
from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "bpmn-miwg"
DIAGRAMS = sorted(CORPUS.glob("*.bpmn")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not DIAGRAMS, reason="../shared/corpus/bpmn-miwg is not beside the project")
@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_each_reference_diagram_gets_a_clear_answer_from_validate_and_deploy(client, login, path):
    officer = login("policy")
    body = {"locality": "000000", "note": "MIWG", "files": [{"name": path.name, "content": path.read_text(encoding="utf-8")}]}
    check = client.post("/api/definitions/validate", headers=officer, json=body)
    assert check.status_code == 200, check.json
    deploy = client.post("/api/definitions", headers=officer, json=body)
    assert deploy.status_code in (201, 422), deploy.json
    if check.json["valid"]:
        assert deploy.status_code == 201
    else:
        assert deploy.status_code == 422
        for problem in deploy.json["problems"]:
            assert problem["file"] == path.name and problem["message"]
        assert any(p["element_id"] for p in deploy.json["problems"]), deploy.json["problems"]
