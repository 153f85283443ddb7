"""The editors speak Chinese: the form-js palette and properties panel, the dmn-js decision table; the English
switch gives their own English back."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from modeler_browser import (  # noqa: E402
    browser, page, browser_marks, login, select_locality, open_definition, shot,
)

pytestmark = browser_marks


def test_the_form_editors_palette_and_properties_panel_read_in_chinese_and_switch_to_english(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, "340722")
    open_definition(page, "form", "application_form")
    canvas = page.get_by_test_id("form-canvas")
    canvas.locator(".fjs-palette").wait_for()
    page.wait_for_function("() => document.querySelector('[data-testid=form-canvas]').innerText.includes('单行文本')")
    text = canvas.inner_text()
    assert "单行文本" in text and "下拉选择" in text and "Text field" not in text
    canvas.locator(".fjs-form-field").nth(1).click()
    page.wait_for_function("() => document.querySelector('[data-testid=form-canvas]').innerText.includes('常规')")
    shot(page, "form-zh-01")
    page.get_by_test_id("lang-toggle").click()
    page.wait_for_function("() => document.querySelector('[data-testid=form-canvas]').innerText.includes('Text field')")
    assert not page.errors, page.errors


def test_the_decision_table_reads_in_chinese(page, live_server):
    login(page, live_server.url, "policy_zy")
    select_locality(page, "340722")
    open_definition(page, "dmn", "statutory_retirement_age")
    page.locator("[data-testid=dmn-canvas] .tjs-table").wait_for()
    head = page.locator("[data-testid=dmn-canvas]").inner_text()
    assert "命中策略" in head or "输入" in head, head[:400]
    shot(page, "dmn-zh-01")
    assert not page.errors, page.errors
