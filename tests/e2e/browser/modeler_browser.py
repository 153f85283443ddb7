"""Shared helpers for the modeler browser tests (Debian's chromium through Playwright).

The tests need the `live_server` fixture (conftest.py beside this file): an object with `.url`
whose database holds the demo accounts and definitions.
"""
import json
import os
import re
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "modeler"
PASSWORD = "policy123"

browser_marks = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    yield pg
    context.close()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def record_metric(name, value):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "metrics.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[name] = value
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))


def login(page, base_url, username, password=PASSWORD):
    page.goto(f"{base_url}/modeler")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("locality-tree").wait_for()


def select_locality(page, code):
    page.get_by_test_id(f"locality-{code}").click()
    page.get_by_test_id("definition-list").wait_for()


def wait_editor(page, kind, states=("ready",)):
    selector = ",".join(f'[data-editor-state="{kind}:{s}"]' for s in states)
    try:
        page.wait_for_selector(selector, state="attached")
    except Exception:
        shot(page, f"failed-wait-{kind}")
        state = page.get_by_test_id("editor-pane").get_attribute("data-editor-state")
        raise AssertionError(f"editor never became {kind}:{'|'.join(states)} (now {state}); page errors: {page.errors}")
    return page.get_by_test_id("editor-pane").get_attribute("data-editor-state").split(":")[1]


def definition_button(page, kind, preferred_key=None):
    """The list entry for `preferred_key`, else the first definition of that kind."""
    if preferred_key:
        loc = page.get_by_test_id(f"definition-{kind}-{preferred_key}")
        if loc.count():
            return loc
    loc = page.locator(f'[data-testid^="definition-{kind}-"]').first
    loc.wait_for()
    return loc


def open_definition(page, kind, preferred_key=None):
    button = definition_button(page, kind, preferred_key)
    key = button.get_attribute("data-testid")[len(f"definition-{kind}-"):]
    button.click()
    wait_editor(page, kind)
    return key


def confirm(page):
    page.get_by_test_id("confirm-ok").click()


def ensure_local(page, kind, key):
    """Adapt the open definition for the selected locality when it is inherited; True when adapted."""
    status = page.get_by_test_id(f"definition-{kind}-{key}").get_attribute("data-status")
    if status != "inherited":
        return False
    page.get_by_test_id("btn-adapt").click()
    confirm(page)
    page.wait_for_function(
        "([k, key]) => document.querySelector(`[data-testid=definition-${k}-${key}]`)?.dataset.status === 'overridden'",
        arg=[kind, key])
    wait_editor(page, kind)
    return True


def deploy(page, note):
    """Deploy the open document with a change note; returns the toast text."""
    page.evaluate("document.getElementById('toasts').replaceChildren()")
    page.get_by_test_id("btn-deploy").click()
    page.get_by_test_id("deploy-note").fill(note)
    page.get_by_test_id("deploy-confirm").click()
    toast = page.locator('[data-testid="toast-success"], [data-testid="toast-info"], [data-testid="toast-error"]').first
    toast.wait_for()
    return toast.get_attribute("data-testid"), toast.inner_text()


def validate(page):
    """Click 校验 and wait for the server's answer to be listed."""
    panel = page.get_by_test_id("problems-panel")
    before = int(panel.get_attribute("data-round") or 0)
    page.get_by_test_id("btn-validate").click()
    page.wait_for_function("n => +(document.querySelector('[data-testid=problems-panel]').dataset.round || 0) > n", arg=before)


def version_of(page, kind, key):
    return int(page.get_by_test_id(f"definition-{kind}-{key}").get_attribute("data-version"))


def api_get(page, path):
    """GET an /api path with the page's session token."""
    return page.evaluate(
        """async (path) => {
            const r = await fetch('/api' + path, {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('modeler.token')}});
            return {status: r.status, body: await r.json()};
        }""", path)


def problem_items(page, element_id=None, source=None):
    sel = '[data-testid="problems-panel"] [data-testid="problem"]'
    if element_id:
        sel += f'[data-element-id="{element_id}"]'
    if source:
        sel += f'[data-source="{source}"]'
    return page.locator(sel)


def canvas_has_marker(page, element_id, cls="validation-error"):
    return page.evaluate(
        "([id, cls]) => !!document.querySelector(`[data-testid=bpmn-canvas] .djs-element[data-element-id=\"${id}\"]`)?.classList.contains(cls)",
        [element_id, cls])


def bump_iso(text):
    """P10D → P11D, R/P3M → R/P4M: add one to the first number of an ISO 8601 duration or cycle."""
    m = re.search(r"\d+", text)
    if not m:
        return "P7D"
    return text[: m.start()] + str(int(m.group()) + 1) + text[m.end():]


def wait_until(fn, timeout=10.0, step=0.1):
    end = time.time() + timeout
    while time.time() < end:
        value = fn()
        if value:
            return value
        time.sleep(step)
    return fn()
