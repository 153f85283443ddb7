"""`retire deploy` as a policy officer runs it from a checkout: each folder goes to its own locality, --check
changes nothing, and a problem is one line per element with a non-zero exit."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from engine.store.models import Definition

ROOT = Path(__file__).resolve().parents[3]


def _retire(database_url, *args):
    env = {**os.environ, "RETIRE_DATABASE_URL": database_url, "RETIRE_PROCESSES_DIR": str(ROOT / "processes"),
           "RETIRE_FORMS_DIR": str(ROOT / "forms")}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def _versions(eng) -> int:
    with eng.runtime.reading() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(Definition))


def test_check_validates_each_folder_for_its_own_locality_and_deploys_nothing(eng, database_url):
    before = _versions(eng)
    out = _retire(database_url, "deploy", "--check", "processes/220000", "forms/220000", "processes/340722",
                  "forms/340722")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("valid for 220000, 340722")
    assert _versions(eng) == before


def test_a_broken_file_is_one_line_per_problem_and_a_non_zero_exit(eng, database_url, tmp_path):
    folder = tmp_path / "340722"
    folder.mkdir()
    xml = (ROOT / "processes" / "340722" / "retirement.bpmn").read_text(encoding="utf-8")
    (folder / "retirement.bpmn").write_text(xml.replace('camunda:candidateGroups="hrss"',
                                                        'camunda:candidateGroups="tax_bureau"', 1))
    out = _retire(database_url, "deploy", "--check", str(folder))
    assert out.returncode != 0
    assert "candidate group 'tax_bureau' is not a department code" in out.stdout
    assert out.stderr.strip().splitlines() == ["error: 1 problem(s) in 1 file(s)"]


def test_an_unknown_locality_is_named_with_what_to_do(eng, database_url, tmp_path):
    folder = tmp_path / "999999"
    folder.mkdir()
    (folder / "x.bpmn").write_text((ROOT / "processes" / "340722" / "monthly_batch.bpmn").read_text(encoding="utf-8"))
    out = _retire(database_url, "deploy", "--check", str(folder))
    assert out.returncode != 0
    assert out.stderr.strip() == ("error: unknown locality 999999: name it with --locality, or load the locality "
                                  "tree first (retire deploy with no path, or retire demo)")
