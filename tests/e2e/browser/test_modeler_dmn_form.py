"""Decision tables in dmn-js and forms in the form-js editor: a county officer edits a DMN cell
and deploys it, edits a form label and deploys it; validation problems on a rule, a cell or a form
component are marked in the editor."""
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from modeler_browser import (  # noqa: E402
    browser, page, browser_marks, login, select_locality, open_definition, ensure_local, deploy,
    version_of, validate, api_get, problem_items, shot, confirm,
)

pytestmark = browser_marks

ZONGYANG = "340722"


def test_officer_edits_a_dmn_cell_and_deploys(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, ZONGYANG)
    key = open_definition(page, "dmn", "statutory_retirement_age")
    adapted = ensure_local(page, "dmn", key)
    page.locator("[data-testid=dmn-canvas] .tjs-table").wait_for()
    shot(page, "dmn-01-opened")

    # an output cell of the first rule holding a number, else the first annotation cell
    cells = page.locator("[data-testid=dmn-canvas] tbody td.output-cell")
    target, old = None, None
    for i in range(cells.count()):
        text = cells.nth(i).inner_text().strip()
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            target, old = cells.nth(i), text
            break
    if target is None:
        target, old = page.locator("[data-testid=dmn-canvas] tbody td.annotation").first, None
    new = str(int(float(old)) + 1) if old else "浏览器测试备注"
    target.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(new)
    page.locator("[data-testid=dmn-canvas] .tjs-table thead").click()  # leave the cell
    page.wait_for_function(
        "async v => (await window.modeler.dmn.saveXML()).xml.includes(v)", arg=new)
    page.get_by_test_id("dirty-flag").wait_for()
    validate(page)
    shot(page, "dmn-02-cell-edited")

    before = version_of(page, "dmn", key)
    kind, text = deploy(page, f"决策表单元格改为 {new}（浏览器测试）")
    assert kind == "toast-success", text
    page.wait_for_function(
        "([key, v]) => +document.querySelector(`[data-testid=definition-dmn-${key}]`).dataset.version > v", arg=[key, before])
    listing = api_get(page, f"/definitions?locality={ZONGYANG}&kind=dmn&key={key}")["body"]["items"]
    newest = max((d for d in listing if d["key"] == key), key=lambda d: d["version"])
    assert new in api_get(page, f"/definitions/{newest['id']}")["body"]["content"]
    shot(page, "dmn-03-deployed")

    if adapted:  # leave the county inheriting as before: drop the override again
        page.get_by_test_id("btn-drop-override").click()
        confirm(page)
        page.wait_for_function(
            "key => document.querySelector(`[data-testid=definition-dmn-${key}]`)?.dataset.status === 'inherited'", arg=key)
    assert not page.errors, page.errors


def test_dmn_problems_mark_rule_and_cell(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, ZONGYANG)
    open_definition(page, "dmn", "statutory_retirement_age")
    page.locator("[data-testid=dmn-canvas] .tjs-table").wait_for()
    ids = page.evaluate("""() => {
      const view = window.modeler.dmn.getActiveView();
      const rules = view.element.decisionLogic.rule;
      return {rule: rules[0].id, cell: rules[rules.length - 1].inputEntry[0].id, ruleCells: rules[0].inputEntry.length + rules[0].outputEntry.length};
    }""")
    # the server's answer is replaced here: what is under test is how the modeler shows it
    page.route("**/api/definitions/validate", lambda route: route.fulfill(json={"valid": False, "problems": [
        {"file": "x.dmn", "element_id": ids["rule"], "message": "规则与上一条重叠", "severity": "error"},
        {"file": "x.dmn", "element_id": ids["cell"], "message": "FEEL 语法错误", "severity": "error"},
    ]}))
    validate(page)
    page.wait_for_selector(f'[data-testid=dmn-canvas] td[data-element-id="{ids["cell"]}"].validation-error')
    marked_rule_cells = page.locator("[data-testid=dmn-canvas] td.validation-error").count()
    assert marked_rule_cells >= ids["ruleCells"] + 1
    assert problem_items(page, ids["rule"]).count() == 1
    shot(page, "dmn-04-problems-marked")
    assert not page.errors, page.errors


def test_officer_edits_a_form_label_and_deploys(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, ZONGYANG)
    key = open_definition(page, "form", "collection_form")
    adapted = ensure_local(page, "form", key)
    page.locator("[data-testid=form-canvas] .fjs-editor-container").wait_for()
    field = page.evaluate("""() => {
      const walk = (cs) => cs.flatMap(c => [c, ...walk(c.components || [])]);
      const c = walk(window.modeler.form.saveSchema().components || []).find(c => c.label && c.key);
      return c && {id: c.id, label: c.label};
    }""")
    assert field, "the form has no labelled field"
    shot(page, "form-01-opened")

    page.locator(f'[data-testid=form-canvas] .fjs-editor-container [data-id="{field["id"]}"]').first.click()
    label_input = page.locator("[data-testid=form-canvas] #bio-properties-panel-label")
    label_input.wait_for(state="attached")
    if not label_input.is_visible():  # open the properties panel's "General" group
        page.locator('[data-testid=form-canvas] [data-group-id="group-general"] .bio-properties-panel-group-header').click()
    new_label = field["label"] + "（已核对）"
    label_input.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(new_label)
    page.wait_for_function(
        "([id, label]) => { const walk = (cs) => cs.flatMap(c => [c, ...walk(c.components || [])]);"
        " return walk(window.modeler.form.saveSchema().components).some(c => c.id === id && c.label === label); }",
        arg=[field["id"], new_label])
    assert page.locator(f'[data-testid=form-canvas] .fjs-editor-container [data-id="{field["id"]}"]').first.inner_text().find(new_label) >= 0
    validate(page)
    shot(page, "form-02-label-edited")

    before = version_of(page, "form", key)
    kind, text = deploy(page, "表单标签调整（浏览器测试）")
    assert kind == "toast-success", text
    page.wait_for_function(
        "([key, v]) => +document.querySelector(`[data-testid=definition-form-${key}]`).dataset.version > v", arg=[key, before])
    listing = api_get(page, f"/definitions?locality={ZONGYANG}&kind=form&key={key}")["body"]["items"]
    newest = max((d for d in listing if d["key"] == key), key=lambda d: d["version"])
    content = api_get(page, f"/definitions/{newest['id']}")["body"]["content"]
    assert new_label in json.dumps(json.loads(content), ensure_ascii=False)
    shot(page, "form-03-deployed")

    # the clerk's task shows the new label in the inbox
    _case_at_collection(live_server.engine)
    page.goto(f"{live_server.url}/inbox")
    page.get_by_test_id("inbox-username").fill("zy_community")
    page.get_by_test_id("inbox-password").fill("clerk123")
    page.get_by_test_id("inbox-password").press("Enter")
    page.get_by_test_id("inbox-task-Task_accept_community").first.click()
    page.get_by_text(new_label).wait_for()
    shot(page, "form-04-label-in-task")
    page.goto(f"{live_server.url}/modeler")

    if adapted:
        page.get_by_test_id("btn-drop-override").click()
        confirm(page)
        page.wait_for_function(
            "key => document.querySelector(`[data-testid=definition-form-${key}]`)?.dataset.status === 'inherited'", arg=key)
    assert not page.errors, page.errors


def test_form_problem_marks_the_component(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, ZONGYANG)
    open_definition(page, "form", "collection_form")
    page.locator("[data-testid=form-canvas] .fjs-editor-container").wait_for()
    comp = page.evaluate("() => (window.modeler.form.saveSchema().components || []).find(c => c.key) ")
    page.route("**/api/definitions/validate", lambda route: route.fulfill(json={"valid": False, "problems": [
        {"file": "x.form", "element_id": comp["id"], "message": "字段缺少标签", "severity": "error"}]}))
    validate(page)
    page.wait_for_selector(f'[data-testid=form-canvas] .fjs-editor-container [data-id="{comp["id"]}"].validation-error')
    # the editor re-renders on selection; the marker stays
    page.locator(f'[data-testid=form-canvas] .fjs-editor-container [data-id="{comp["id"]}"]').first.click()
    page.wait_for_timeout(300)
    assert page.locator(f'[data-testid=form-canvas] .fjs-editor-container [data-id="{comp["id"]}"].validation-error').count() >= 1
    shot(page, "form-04-problem-marked")
    assert not page.errors, page.errors


def _case_at_collection(eng):
    from datetime import date

    from handlers.ledger.demo_roster import load_roster
    from tests.support.people import person

    p = person(county="340722", born=date(1966, 2, 9), seq=95)
    load_roster(eng.runtime.db, [p])
    eng.start("retirement", "340722", "BK-form-label", {
        "id_number": p["id_number"], "name": p["name"], "sex": "male", "category": "male", "birth_month": "1966-02",
        "channel": "community", "retirement_type": "normal", "phone": p["phone"], "bank_card": p["bank_card"]}, "test")
    eng.run_due_jobs()
