"""/reports in Debian's chromium (1366×768): a county social-insurance officer opens the monthly report after a month of
Zongyang work, sees the chart, downloads the completion counts and the batch's 信息采集表; both files are opened
with openpyxl and their rows checked against the database. Screenshots in tests/e2e/browser/screenshots/."""
from __future__ import annotations

import sys
import threading
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from modeler_browser import CHROMIUM, CHROMIUM_ARGS, browser_marks  # noqa: E402
from pages_browser import AXE, SCREENSHOTS, record  # noqa: E402

from tests.conftest import PG_URL, ROOT, create_schema, reset_database  # noqa: E402
from tests.support.report_world import sheet_rows, zongyang_month  # noqa: E402

pytestmark = browser_marks


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The real app on a fake clock, served live, after a month of Zongyang work run through the API."""
    from api import create_app
    from api.demo import DEMO_USERS, demo_password, ensure_user
    from engine.bootstrap import bootstrap
    from engine.clock import FakeClock
    from handlers.ledger.demo_roster import load_roster

    if not (ROOT / "api" / "static" / "modeler" / "reports.html").exists():
        pytest.skip("the front end is not built (./dev test builds it with npm)")
    if PG_URL:
        reset_database(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'retire.db'}"
    create_schema(url)
    clock = FakeClock(datetime(2027, 5, 1, 9, 0))
    eng = bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock, worker_id="reports")
    eng.deploy_folders("test")
    for user in DEMO_USERS:
        ensure_user(eng, *user)
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-test-secret-0123456789-abcdefghij"}, engine=eng)
    client = app.test_client()
    roles = {u[0]: u[1] for u in DEMO_USERS}

    def login(username):
        rv = client.post("/api/auth/token", json={"username": username, "password": demo_password(roles[username])})
        return {"Authorization": f"Bearer {rv.json['token']}"}

    def roster(*persons):
        load_roster(eng.runtime.db, list(persons))

    month = zongyang_month(eng, clock, client, login, roster)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "eng": eng, **month}
    server.shutdown()
    eng.runtime.db.dispose()


@pytest.fixture
def page(world):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = b.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(20_000)
        pg.errors = []
        pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
        yield pg
        context.close()
        b.close()


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _axe(page, name):
    if not AXE.exists():
        return
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
        .map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))""")
    record(f"axe.{name}", [f"{v['impact']}: {v['id']}" for v in result])
    assert not [v for v in result if v["impact"] in ("serious", "critical")], result


def _download(page, testid, tmp_path) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(str(path))
    return path.read_bytes()


def _done_items_in_db(eng) -> Counter:
    from engine.store.models import Item

    with eng.runtime.reading() as s:
        rows = s.execute(sa.select(Item.department, Item.item).where(
            Item.state == "done", Item.locality_path.like(eng.runtime.localities.path("340722") + "%"))).all()
    return Counter((d, i) for d, i in rows)


def _batch_in_db(eng, month) -> dict:
    from engine.store.models import Application
    from handlers.ledger.schema import acceptances

    with eng.runtime.reading() as s:
        rows = s.execute(sa.select(Application.id_number, Application.name, acceptances.c.business_key)
                         .join(acceptances, acceptances.c.business_key == Application.business_key)
                         .where(acceptances.c.batch_month == month, acceptances.c.locality == "340722",
                                acceptances.c.batch_group == "community")).all()
    return {r.id_number: (r.name, r.business_key) for r in rows}


def test_a_county_officer_sees_the_monthly_chart_and_downloads_the_counts_and_the_batch_collection_form(
        world, page, tmp_path):
    page.goto(f"{world['url']}/reports")
    page.get_by_test_id("reports-username").fill("zy_hrss")
    page.get_by_test_id("reports-password").fill("clerk123")
    page.get_by_test_id("reports-password").press("Enter")
    page.get_by_test_id("controls").wait_for()
    page.get_by_test_id("from").fill("2027-01")
    page.get_by_test_id("to").fill("2027-06")
    page.get_by_test_id("month").fill("2027-05")
    page.get_by_test_id("refresh").click()
    chart = page.locator('[data-testid="completions-chart"] svg')
    chart.wait_for()
    page.get_by_test_id("batches-table").wait_for()
    assert page.locator('[data-testid="completions-chart"] svg path').count() > 3, "the bars are drawn"
    table = page.get_by_test_id("completions-table").inner_text()
    assert "医疗保障经办机构" in table and "退休职工住房公积金提取" in table, "departments and items by name"
    assert page.get_by_test_id("completions-total").inner_text() == "合计 6 件"
    _shot(page, "reports-monthly-desk")
    _axe(page, "reports-monthly-desk")

    # the completion counts as XLSX: each row is what the database holds
    header, rows = sheet_rows(_download(page, "completions-xlsx", tmp_path))
    got = Counter()
    for r in rows:
        row = dict(zip(header, r))
        got[(row["部门代码"], row["事项代码"])] += row["办结数量"]
        assert row["月份"] == "2027-06" and row["地区"] == "枞阳县"
    assert got == _done_items_in_db(world["eng"]) and sum(got.values()) == 6

    # the May batch of the communities: its 采集表, one row per person, whole for the county HRSS
    assert "社区（村、居委会）、乡镇社保所" in page.get_by_test_id("batches-table").inner_text()
    header, rows = sheet_rows(_download(page, "collection-xlsx-community", tmp_path))
    in_db = _batch_in_db(world["eng"], "2027-05")
    assert {r[header.index("公民身份号码")]: (r[header.index("姓名")], r[header.index("业务编号")]) for r in rows} == in_db
    assert len(in_db) == 2
    pdf = _download(page, "collection-pdf-community", tmp_path)
    assert pdf.startswith(b"%PDF")
    _shot(page, "reports-after-downloads-desk")
    assert not page.errors, page.errors
