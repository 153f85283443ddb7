"""A county policy officer edits Zongyang's retirement process in the web modeler (bpmn-js +
Camunda 7 properties panel): breaks an element and sees it marked, fixes it, changes a timer,
deploys with a change note, then looks at the versions and their diff."""
import json
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from modeler_browser import (  # noqa: E402
    browser, page, browser_marks, login, select_locality, open_definition, ensure_local, deploy,
    version_of, validate, api_get, problem_items, canvas_has_marker, bump_iso, shot, record_metric, wait_editor,
)

pytestmark = browser_marks

ZONGYANG = "340722"

FIND_SERVICE_TASK = """() => {
  const reg = window.modeler.bpmn.get('elementRegistry');
  const el = reg.filter(e => e.type === 'bpmn:ServiceTask' && e.businessObject.get('camunda:topic'))[0];
  return el ? {id: el.id, topic: el.businessObject.get('camunda:topic')} : null;
}"""

SET_TOPIC = """([id, topic]) => {
  const m = window.modeler.bpmn;
  m.get('modeling').updateProperties(m.get('elementRegistry').get(id), {'camunda:topic': topic});
}"""

FIND_TIMER = """() => {
  // prefer an ISO 8601 literal (P10D, R/…/P3M); else any timer expression holding a number
  const reg = window.modeler.bpmn.get('elementRegistry');
  const found = [];
  for (const el of reg.getAll()) {
    for (const def of (el.businessObject && el.businessObject.eventDefinitions) || []) {
      if (def.$type !== 'bpmn:TimerEventDefinition') continue;
      for (const prop of ['timeDuration', 'timeCycle', 'timeDate']) {
        const expr = def.get(prop);
        const body = ((expr && expr.body) || '').trim();
        if (/\\d/.test(body)) found.push({id: el.id, defId: def.id, prop, body, iso: /^(P|R)/.test(body)});
      }
    }
  }
  return found.find(t => t.iso) || found[0] || null;
}"""

SET_TIMER = """([id, prop, body]) => {
  const m = window.modeler.bpmn;
  const el = m.get('elementRegistry').get(id);
  const def = el.businessObject.eventDefinitions.find(d => d.$type === 'bpmn:TimerEventDefinition');
  m.get('modeling').updateModdleProperties(el, def.get(prop), {body});
}"""


def test_officer_breaks_fixes_retimes_and_deploys_zongyang_process(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, ZONGYANG)
    key = open_definition(page, "bpmn", "retirement")
    ensure_local(page, "bpmn", key)
    assert page.locator("[data-testid=bpmn-canvas] .djs-element").count() > 1
    page.get_by_test_id("bpmn-properties").locator(".bio-properties-panel").wait_for()
    shot(page, "bpmn-01-opened")

    # break: an external service task whose topic no handler serves
    task = page.evaluate(FIND_SERVICE_TASK)
    assert task, "the process has no external service task"
    page.evaluate(SET_TOPIC, [task["id"], "no_such_department.no_such_operation"])
    validate(page)
    problem_items(page, task["id"], "server").first.wait_for()
    assert canvas_has_marker(page, task["id"])
    page.get_by_test_id(f"marker-{task['id']}").wait_for()
    shot(page, "bpmn-02-broken-marked")

    # bpmnlint in the browser: a disconnected task is reported and marked at once
    lone = page.evaluate("""() => {
      const m = window.modeler.bpmn, canvas = m.get('canvas');
      const shape = m.get('elementFactory').createShape({type: 'bpmn:Task'});
      return m.get('modeling').createShape(shape, {x: 160, y: 420}, canvas.getRootElement()).id;
    }""")
    problem_items(page, lone, "lint").first.wait_for()
    page.wait_for_function(
        "id => document.querySelector(`[data-testid=bpmn-canvas] .djs-element[data-element-id=\"${id}\"]`)?.classList.contains('validation-error')",
        arg=lone)
    shot(page, "bpmn-03-lint-marked")
    page.evaluate("id => { const m = window.modeler.bpmn; m.get('modeling').removeElements([m.get('elementRegistry').get(id)]); }", lone)
    page.wait_for_function("id => !document.querySelector(`[data-testid=problem][data-element-id=\"${id}\"]`)", arg=lone)

    # fix
    page.evaluate(SET_TOPIC, [task["id"], task["topic"]])
    validate(page)
    assert problem_items(page, task["id"], "server").count() == 0
    assert not canvas_has_marker(page, task["id"])

    # change a timer
    timer = page.evaluate(FIND_TIMER)
    assert timer, "the process has no timer"
    new_body = bump_iso(timer["body"])
    page.evaluate(SET_TIMER, [timer["id"], timer["prop"], new_body])
    page.get_by_test_id("dirty-flag").wait_for()
    before = version_of(page, "bpmn", key)
    validate(page)
    shot(page, "bpmn-04-timer-changed")

    older = _start_case(live_server.engine, "BK-before-deploy")
    kind, text = deploy(page, f"定时器 {timer['body']} → {new_body}（浏览器测试）")
    assert kind == "toast-success", text
    page.wait_for_function(
        "([key, v]) => +document.querySelector(`[data-testid=definition-bpmn-${key}]`).dataset.version > v", arg=[key, before])
    after = version_of(page, "bpmn", key)
    shot(page, "bpmn-05-deployed")

    # the new version is what the server holds
    listing = api_get(page, f"/definitions?locality={ZONGYANG}&kind=bpmn&key={key}")
    newest = max((d for d in listing["body"]["items"] if d["key"] == key), key=lambda d: d["version"])
    assert newest["version"] == after
    full = api_get(page, f"/definitions/{newest['id']}")["body"]
    assert new_body in full["content"]
    assert "定时器" in (full.get("note") or "")

    # a case started now runs the new version; the one started before stays on its own
    newer = _start_case(live_server.engine, "BK-after-deploy")
    versions = _versions(live_server.engine, older, newer)
    assert versions == (after - 1, after), versions

    # versions: diff the new version against the previous one, open the previous read-only
    page.get_by_test_id("btn-versions").click()
    dialog = page.get_by_test_id("versions-dialog")
    dialog.get_by_test_id(f"diff-a-{after}").check()
    dialog.get_by_test_id(f"diff-b-{after - 1}").check()
    dialog.get_by_test_id("btn-diff").click()
    changed = dialog.get_by_test_id("diff-changed")
    changed.wait_for()
    assert changed.locator("li[data-element-id]").count() >= 1
    assert timer["id"] in changed.inner_text() or timer["defId"] in changed.inner_text()
    shot(page, "bpmn-06-diff")
    dialog.get_by_test_id(f"version-open-{after - 1}").click()
    page.get_by_test_id("readonly-banner").wait_for()
    wait_editor(page, "bpmn")
    assert page.get_by_test_id("btn-deploy").is_disabled()
    assert page.locator("[data-testid=bpmn-readonly-canvas] .djs-element").count() > 1
    shot(page, "bpmn-07-readonly-previous")
    page.get_by_test_id("btn-back-to-edit").click()
    wait_editor(page, "bpmn")
    assert page.get_by_test_id("btn-deploy").is_enabled()
    assert not page.errors, page.errors


def test_migration_dialog_dry_run(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, ZONGYANG)
    open_definition(page, "bpmn", "retirement")
    page.get_by_test_id("btn-migrate").click()
    dialog = page.get_by_test_id("migration-dialog")
    dialog.get_by_test_id("migration-from").wait_for()
    assert dialog.get_by_test_id("migration-from").locator("option").count() >= 1
    dialog.get_by_test_id("migration-dry-run").click()
    try:
        dialog.get_by_test_id("migration-table").wait_for()
    except Exception:
        shot(page, "failed-migration")
        raise
    dialog.get_by_test_id("migration-summary").wait_for()
    shot(page, "bpmn-08-migration-dry-run")
    assert not page.errors, page.errors


def test_page_load_to_interactive_bpmn_canvas(browser, live_server):
    """Cold load (fresh browser context, empty cache) of /modeler with a signed-in session,
    to the moment Zongyang's process is on an editable canvas."""
    context = browser.new_context(viewport={"width": 1500, "height": 900})
    try:
        auth = context.request.post(f"{live_server.url}/api/auth/token", data={"username": "policy_zy", "password": "policy123"}).json()
        context.add_init_script(
            f"sessionStorage.setItem('modeler.token', {json.dumps(auth['token'])});"
            f"sessionStorage.setItem('modeler.user', {json.dumps(json.dumps(auth['user']))});")
        page = context.new_page()
        start = time.perf_counter()
        page.goto(f"{live_server.url}/modeler")
        select_locality(page, ZONGYANG)
        shell_ms = (time.perf_counter() - start) * 1000
        open_definition(page, "bpmn", "retirement")
        page.locator("[data-testid=bpmn-canvas] .djs-element.djs-shape").first.wait_for()
        page.locator("[data-testid=bpmn-properties] .bio-properties-panel").wait_for()
        total_ms = (time.perf_counter() - start) * 1000
        nav = page.evaluate("() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        transferred = page.evaluate("() => performance.getEntriesByType('resource').reduce((n, r) => n + (r.encodedBodySize || 0), 0)")
    finally:
        context.close()
    record_metric("cold_load_to_shell_ms", round(shell_ms))
    record_metric("cold_load_to_interactive_bpmn_canvas_ms", round(total_ms))
    record_metric("dom_content_loaded_ms", round(nav))
    record_metric("bytes_loaded_for_bpmn_canvas", transferred)
    print(f"modeler cold load: shell {shell_ms:.0f} ms, interactive bpmn canvas {total_ms:.0f} ms, "
          f"DOMContentLoaded {nav:.0f} ms, {transferred / 1024:.0f} KiB of assets")
    assert total_ms < 20_000


def test_save_draft_and_open_it_later(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, ZONGYANG)
    key = open_definition(page, "bpmn", "retirement")
    ensure_local(page, "bpmn", key)
    timer = page.evaluate(FIND_TIMER)
    draft_body = bump_iso(bump_iso(bump_iso(timer["body"])))
    page.evaluate(SET_TIMER, [timer["id"], timer["prop"], draft_body])
    page.get_by_test_id("btn-save-draft").click()
    page.get_by_test_id("toast-success").wait_for()
    page.get_by_test_id("draft-opened").wait_for()

    page.reload()
    select_locality(page, ZONGYANG)
    open_definition(page, "bpmn", key)
    page.get_by_test_id("draft-available").wait_for()
    page.get_by_test_id("btn-open-draft").click()
    page.get_by_test_id("draft-opened").wait_for()
    wait_editor(page, "bpmn")
    assert page.evaluate(FIND_TIMER)["body"] == draft_body
    shot(page, "bpmn-09-draft-reopened")
    # back to the deployed version; the draft is deleted
    page.get_by_test_id(f"definition-bpmn-{key}").click()
    page.get_by_test_id("draft-available").wait_for()
    page.get_by_test_id("btn-discard-draft").click()
    page.get_by_test_id("draft-available").wait_for(state="detached")
    assert not page.errors, page.errors


def _start_case(eng, business_key):
    from datetime import date

    from handlers.ledger.demo_roster import load_roster
    from tests.support.people import person

    p = person(county="340722", born=date(1967, 3, 9), seq=91 if "before" in business_key else 93)
    load_roster(eng.runtime.db, [p])
    return eng.start("retirement", "340722", business_key, {
        "id_number": p["id_number"], "name": p["name"], "sex": "male", "category": "male", "birth_month": "1967-03",
        "channel": "employer", "retirement_type": "normal", "phone": p["phone"], "bank_card": p["bank_card"]}, "test")


def _versions(eng, *instance_ids):
    from engine.store.models import Definition, Instance

    with eng.runtime.reading() as s:
        return tuple(s.get(Definition, s.get(Instance, i).definition_id).version for i in instance_ids)
