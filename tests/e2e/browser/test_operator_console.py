"""An operator on call, in Debian's chromium at a 1366×768 desk: the dashboard shows an incident, the operator opens
its case, sees the Zongyang retirement diagram with the failed element marked, retries it, and watches the case move
on. An auditor reads the same console without the actions. Screenshots go to tests/artifacts/modeler/console-*.png;
axe-core finds no serious or critical violation; the load times of the console and of the case view are recorded."""
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from modeler_browser import browser, browser_marks, record_metric, shot  # noqa: E402,F401

from tests.conftest import ROOT  # noqa: E402
from tests.support.people import person  # noqa: E402

pytestmark = browser_marks
AXE = ROOT / "modeler" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    yield pg
    context.close()


def _failing_retirement(eng, seq: int):
    """A Zongyang retirement whose first department call fails every attempt: an incident at its element."""
    from engine.store.models import Instance, Job
    from handlers.ledger.demo_roster import load_roster

    p = person(county="340722", born=date(1966, 2, 9), name="孙立新", seq=seq)
    load_roster(eng.runtime.db, [p])
    saved = dict(eng.runtime.handlers)

    def unreachable(ctx):
        raise ConnectionError(f"{ctx.topic}: 部门系统无法连接 (department system unreachable)")

    for topic in saved:
        eng.runtime.handlers[topic] = unreachable
    iid = eng.start("retirement", "340722", f"BK-console-{seq}", {
        "id_number": p["id_number"], "name": p["name"], "sex": "male", "category": "male", "birth_month": "1966-02",
        "channel": "community", "retirement_type": "normal", "phone": p["phone"], "bank_card": p["bank_card"]}, "test")
    for _ in range(6):
        with eng.runtime.transaction() as s:  # wait out the back-off: the retries are due now
            s.execute(sa.update(Job).where(Job.instance_id == iid, Job.status == "ready")
                      .values(due_at=eng.runtime.now() - timedelta(seconds=1)))
        eng.run_due_jobs()
    with eng.runtime.reading() as s:
        job = s.scalar(sa.select(Job).where(Job.instance_id == iid, Job.status == "incident"))
        assert job is not None and s.get(Instance, iid).status == "running"
        return iid, job.activity_id, saved


def _login(pg, url, username, password):
    pg.goto(f"{url}/console")
    pg.get_by_test_id("console-username").fill(username)
    pg.get_by_test_id("console-password").fill(password)
    pg.get_by_test_id("console-password").press("Enter")


def _axe(pg) -> list:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm install in modeler/)")
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                         ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help,"
                         " target: v.nodes[0] && v.nodes[0].target}))")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def test_an_operator_sees_an_incident_opens_the_case_retries_the_failed_element_and_watches_it_move_on(
        desk, live_server):
    from api.worker import heartbeat

    eng = live_server.engine
    iid, failed_at, handlers = _failing_retirement(eng, seq=71)
    heartbeat(eng)
    pg = desk
    t0 = time.perf_counter()   # the reference, in the same run: the page with no API call (its sign-in form)
    pg.goto(f"{live_server.url}/console")
    pg.get_by_test_id("console-username").wait_for()
    reference = max(1, round((time.perf_counter() - t0) * 1000))
    record_metric("console_sign_in_page_load_ms (reference)", reference)
    _login(pg, live_server.url, "admin", "admin123")
    stat = pg.get_by_test_id("stat-incidents")
    stat.wait_for()
    assert stat.inner_text().startswith("1"), stat.inner_text()
    row = pg.get_by_test_id("dash-incident").first
    assert "部门系统无法连接" in row.inner_text()
    assert pg.get_by_test_id("worker-ok").count() == 1
    shot(pg, "console-dashboard")
    serious = _axe(pg)
    assert not serious, serious

    t0 = time.perf_counter()
    pg.reload()
    pg.get_by_test_id("stat-incidents").wait_for()
    dashboard_ms = round((time.perf_counter() - t0) * 1000)
    record_metric("console_dashboard_load_ms", dashboard_ms)
    record_metric("console_dashboard_load_ratio_to_reference", round(dashboard_ms / reference, 2))

    pg.get_by_test_id("dash-incident-case").first.click()
    failed = pg.locator(f'.cv-diagram .djs-element.cv-failed[data-element-id="{failed_at}"]')
    failed.wait_for()
    assert pg.locator(".cv-diagram .djs-element.cv-done").count() >= 1, "the path taken is marked"
    assert pg.locator(".cv-diagram .djs-shape").count() >= 60, "the Zongyang retirement's 60-odd elements"
    shot(pg, "console-case-failed")
    serious = _axe(pg)
    assert not serious, serious

    t0 = time.perf_counter()
    pg.reload()
    pg.locator(".cv-diagram .djs-element.cv-failed").wait_for()
    case_ms = round((time.perf_counter() - t0) * 1000)
    record_metric("console_case_view_load_ms", case_ms)
    record_metric("console_case_view_load_ratio_to_reference", round(case_ms / reference, 2))
    print(f"console dashboard {dashboard_ms} ms, case view (Zongyang retirement) {case_ms} ms, "
          f"sign-in page {reference} ms (reference)")
    record_metric("console_case_view_render_ms_in_page", pg.evaluate("window.__consoleCaseRenderMs"))
    record_metric("console_case_view_shapes", pg.locator(".cv-diagram .djs-shape").count())

    eng.runtime.handlers.update(handlers)          # the department's system is back
    pg.get_by_test_id("case-retry").click()
    pg.get_by_test_id("case-retrying").wait_for()
    eng.run_due_jobs()                     # the worker runs the retried job
    moved = pg.locator(f'.cv-diagram .djs-element.cv-done[data-element-id="{failed_at}"]')
    moved.wait_for(timeout=30_000)
    assert pg.locator(".cv-diagram .djs-element.cv-failed").count() == 0
    assert pg.locator(".cv-diagram .djs-element.cv-waiting").count() >= 1, "it waits in its next element"
    shot(pg, "console-case-moved-on")
    assert "incident_retried" in str(pg.get_by_test_id("case-timeline").inner_text()) or \
        pg.get_by_test_id("case-timeline").inner_text().count("\n") >= 3
    pg.get_by_test_id("vars-show").click()
    pg.get_by_test_id("vars-audited").wait_for()
    assert not pg.errors, pg.errors


def test_an_auditor_reads_the_console_and_searches_without_the_operator_s_actions(desk, live_server):
    eng = live_server.engine
    iid, _failed_at, handlers = _failing_retirement(eng, seq=73)
    eng.runtime.handlers.update(handlers)
    pg = desk
    _login(pg, live_server.url, "auditor", "auditor123")
    pg.get_by_test_id("stat-incidents").wait_for()
    pg.get_by_test_id("nav-incidents").click()
    pg.get_by_test_id("incident-row").first.wait_for()
    assert pg.get_by_test_id("incident-retry").count() == 0, "an auditor does not retry"
    pg.get_by_test_id("incident-row").first.locator("summary").click()
    assert "ConnectionError" in pg.get_by_test_id("incident-trace").first.inner_text()
    shot(pg, "console-incidents-auditor")
    pg.get_by_test_id("nav-dashboard").click()
    pg.get_by_test_id("search-input").fill("BK-console-73")
    pg.get_by_test_id("search-go").click()
    pg.get_by_test_id("search-hit").first.click()
    pg.locator(".cv-diagram .djs-element.cv-failed").wait_for()
    assert pg.get_by_test_id("case-cancel").count() == 0 and pg.get_by_test_id("vars-show").count() == 0
    serious = _axe(pg)
    assert not serious, serious
    assert not pg.errors, pg.errors


def test_the_operator_switches_to_the_called_process_where_the_case_failed(desk, live_server):
    from engine.definitions import DefinitionFile
    from engine.store.models import HumanTask, Job
    from handlers.ledger.demo_roster import load_roster
    from tests.integration.engine.subprocess_probes import FLEX_V1, JOINT_V1

    eng = live_server.engine
    eng.deploy("000000", [DefinitionFile("probe_flexible.bpmn", FLEX_V1), DefinitionFile("probe_joint.bpmn", JOINT_V1)],
               "policy", "probe")
    p = person(county="340722", born=date(1966, 10, 9), seq=75)
    load_roster(eng.runtime.db, [p])
    iid = eng.start("probe_joint", "340722", "BK-console-75", {"id_number": p["id_number"], "name": p["name"]}, "test")
    for _activity in ("Task_intake", "Task_flex_review"):
        with eng.runtime.reading() as s:
            task = s.scalar(sa.select(HumanTask).where(HumanTask.instance_id == iid, HumanTask.status == "open"))
        eng.complete_task(task.id, {}, "zy_hrss")
    real = eng.runtime.handlers["housing_fund.seal_account"]
    eng.runtime.handlers["housing_fund.seal_account"] = lambda ctx: (_ for _ in ()).throw(ConnectionError("down"))
    try:
        for _ in range(4):
            with eng.runtime.transaction() as s:
                s.execute(sa.update(Job).where(Job.instance_id == iid, Job.status == "ready")
                          .values(due_at=eng.runtime.now() - timedelta(seconds=1)))
            eng.run_due_jobs()
    finally:
        eng.runtime.handlers["housing_fund.seal_account"] = real
    pg = desk
    _login(pg, live_server.url, "admin", "admin123")
    pg.get_by_test_id("stat-incidents").wait_for()
    pg.goto(f"{live_server.url}/console#/case/{iid}")
    pg.locator('.cv-diagram .djs-element.cv-failed[data-element-id="Call_flex"]').wait_for()
    pg.get_by_test_id("view-probe_flexible").click()
    pg.locator('.cv-diagram .djs-element.cv-failed[data-element-id="Task_flex_seal"]').wait_for()
    assert pg.locator('.cv-diagram .djs-element.cv-done[data-element-id="Task_flex_review"]').count() == 1
    shot(pg, "console-called-process")
    pg.get_by_test_id("view-main").click()
    pg.locator('.cv-diagram .djs-element.cv-failed[data-element-id="Call_flex"]').wait_for()
    assert not pg.errors, pg.errors
