"""Starting again (./dev run → retire demo --if-empty, retire up) never puts the processes folder's old content on
top of what policy staff deployed from the modeler or the API; a file that changed on disk is reported and only
`retire deploy` deploys it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from engine.store.models import Definition

ROOT = Path(__file__).resolve().parents[3]
EDITED = "\n<!-- 枞阳县政策股：受理后3个工作日内推送 -->\n"


def _latest(eng, locality="340722", key="retirement") -> Definition:
    with eng.runtime.reading() as s:
        return s.scalars(sa.select(Definition).where(Definition.locality == locality, Definition.kind == "bpmn",
                                                     Definition.key == key)
                         .order_by(Definition.version.desc()).limit(1)).one()


def _deploy_from_the_modeler(client, login) -> dict:
    xml = (ROOT / "processes" / "340722" / "retirement.bpmn").read_text(encoding="utf-8") + EDITED
    rv = client.post("/api/definitions", headers=login("policy_zy"), json={
        "locality": "340722", "note": "改推送时限", "files": [{"name": "retirement.bpmn", "content": xml}]})
    assert rv.status_code in (200, 201), rv.json
    return rv.json


def test_a_restart_after_a_modeler_deployment_keeps_the_modelers_version_as_the_latest(eng, client, login):
    _deploy_from_the_modeler(client, login)
    assert _latest(eng).version == 2
    results = eng.deploy_folders("demo")            # what retire demo --if-empty does on every ./dev run
    latest = _latest(eng)
    assert latest.version == 2 and latest.author == "policy_zy" and EDITED.strip() in latest.content
    kept = [k for r in results for k in r.kept]
    assert kept == [], "the folder's file is what it loaded before: nothing to report"


def test_a_start_reports_a_file_changed_on_disk_and_only_retire_deploy_deploys_it(eng, database_url, clock, tmp_path):
    from engine.bootstrap import bootstrap

    folders = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", folders)
    path = folders / "340722" / "retirement.bpmn"
    path.write_text(path.read_text(encoding="utf-8") + EDITED, encoding="utf-8")
    edited = bootstrap(database_url, processes_dir=folders, forms_dir=ROOT / "forms", clock=clock, worker_id="w2")
    try:
        kept = [k for r in edited.deploy_folders("demo") for k in r.kept]
        assert [(k["locality"], k["file"], k["reason"]) for k in kept] == [
            ("340722", "retirement.bpmn", "changed_on_disk")]
        assert _latest(eng).version == 1, "a start deploys nothing that is already deployed"
        edited.deploy_folders("cli", deploy_changed=True)        # retire deploy
        assert _latest(eng).version == 2 and EDITED.strip() in _latest(eng).content
    finally:
        edited.runtime.db.dispose()


def test_retire_demo_if_empty_says_which_files_it_kept(eng, client, login, database_url, tmp_path):
    _deploy_from_the_modeler(client, login)
    folders = tmp_path / "processes"
    shutil.copytree(ROOT / "processes", folders)
    path = folders / "340722" / "retirement.bpmn"
    path.write_text(path.read_text(encoding="utf-8") + "\n<!-- 磁盘上的另一改动 -->\n", encoding="utf-8")
    env = {**os.environ, "RETIRE_DATABASE_URL": database_url, "RETIRE_PROCESSES_DIR": str(folders),
           "RETIRE_FORMS_DIR": str(ROOT / "forms"), "RETIRE_DEMO": "1", "RETIRE_VAR_DIR": str(tmp_path / "var")}
    out = subprocess.run([sys.executable, "-m", "api.cli", "demo", "--if-empty"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "kept: 340722/retirement.bpmn: v2 deployed by policy_zy" in out.stdout
    assert _latest(eng).version == 2 and _latest(eng).author == "policy_zy"
