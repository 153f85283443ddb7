"""./dev run starts with cases at every stage in both localities: the last weeks run on a demo clock before the
server starts, so clerks have tasks waiting, some cases are finished, and the applicant's page and the clerks'
search find them like any filed case."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from engine.store.models import Application, HumanTask, Instance
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_the_demo_prerun_leaves_waiting_tasks_finished_cases_and_filed_applications(eng, database_url, client, login):
    from api.demo_cases import prerun, sample_cases

    ran = prerun(database_url, ROOT / "processes", ROOT / "forms", days=45, idle_days=10, people=40,
                 today=date(2026, 12, 3), echo=lambda *_: None)
    print(f"\ndemo prerun: {ran}")
    assert ran["340722"]["cases"] and ran["220000"]["cases"]
    with eng.runtime.reading() as s:
        cases = s.scalar(sa.select(sa.func.count()).select_from(Instance).where(Instance.process_key == "retirement"))
        filed = s.scalar(sa.select(sa.func.count()).select_from(Application))
        waiting = s.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(HumanTask.status == "open"))
    assert filed == cases, "every simulated case has its application row"
    assert waiting > 0, "clerks stopped before today: tasks wait in the inboxes"
    samples = sample_cases(eng)
    assert {c["locality"] for c in samples} == {"340722", "220000"}
    key = samples[0]["business_key"]
    found = client.post("/api/instances/search", headers=login("admin"), json={"q": key}).json["items"]
    assert [f["business_key"] for f in found] == [key]
    with eng.runtime.reading() as s:
        app = s.scalar(sa.select(Application).where(Application.business_key == key))
    page = client.post("/api/public/progress", json={"business_key": key, "id_tail": app.id_number[-6:]})
    assert page.status_code == 200 and page.json["items"]
