"""dmn-js writes a date range whose end is computed with a duration (a date, a duration and a function in one
cell); the county officer deploys it from the modeler and the decision evaluates with it."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from modeler_browser import (  # noqa: E402
    browser, page, browser_marks, login, select_locality, open_definition, ensure_local, deploy,
    validate, api_get, problem_items, confirm,
)

pytestmark = browser_marks

ZONGYANG = "340722"
OLD = '>= date("2025-01-01")'
NEW = '[date("2025-01-01")..date("2025-01-01") + duration("P75Y")]'


def _evaluate(page, inputs):
    return page.evaluate(
        """async (inputs) => {
            const r = await fetch('/api/decisions/early_retirement_route/evaluate', {method: 'POST',
              headers: {Authorization: 'Bearer ' + sessionStorage.getItem('modeler.token'),
                        'Content-Type': 'application/json'},
              body: JSON.stringify({locality: '340722', inputs})});
            return {status: r.status, body: await r.json()};
        }""", inputs)


def test_officer_writes_a_date_range_with_a_duration_in_a_dmn_cell_and_it_decides(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, ZONGYANG)
    key = open_definition(page, "dmn", "early_retirement_route")
    adapted = ensure_local(page, "dmn", key)
    page.locator("[data-testid=dmn-canvas] .tjs-table").wait_for()

    cell = page.locator("[data-testid=dmn-canvas] tbody td.input-cell", has_text=OLD).first
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW)
    page.locator("[data-testid=dmn-canvas] .tjs-table thead").click()  # leave the cell
    page.wait_for_function("async v => (await window.modeler.dmn.saveXML()).xml.includes(v)",
                           arg=NEW.replace('"', "&#34;"))
    validate(page)
    assert problem_items(page).count() == 0, problem_items(page).all_inner_texts()

    kind, text = deploy(page, "适用日期改为区间（浏览器测试）")
    assert kind == "toast-success", text
    listing = api_get(page, f"/definitions?locality={ZONGYANG}&kind=dmn&key={key}")["body"]["items"]
    newest = max((d for d in listing if d["key"] == key), key=lambda d: d["version"])
    assert "duration(&quot;P75Y&quot;)" in api_get(page, f"/definitions/{newest['id']}")["body"]["content"] or \
        'duration("P75Y")' in api_get(page, f"/definitions/{newest['id']}")["body"]["content"]

    inputs = {"route": "resignation", "sex": "female", "age_months": 500, "work_type": None,
              "special_work_years": None, "disability_confirmed": None, "contribution_months": 200,
              "minimum_months": 180, "as_of": "2025-06-01"}
    rv = _evaluate(page, inputs)
    assert rv["status"] == 200, rv
    assert rv["body"]["defined_at"] == ZONGYANG and rv["body"]["outputs"]["outcome"] == "manual_review"
    rv = _evaluate(page, {**inputs, "as_of": "2024-12-31"})
    assert rv["status"] == 200 and rv["body"]["outputs"] is None, rv   # before the rules apply: no rule

    if adapted:
        page.get_by_test_id("btn-drop-override").click()
        confirm(page)
    assert not page.errors, page.errors
