"""Draw the Camunda Modeler fixtures in Camunda Modeler's own editors and save them byte for byte.

A policy officer's session, replayed in headless Chromium: a new Camunda 7 diagram from Camunda
Modeler's template, shapes appended from the context pad's append menu, every property typed into the
Camunda 7 properties panel; a DMN table filled in dmn-js; a form built in the form-js editor. Each
editor saves with Camunda Modeler's exporter stamp. See README.md for what is drawn and why.

    cd tools/camunda_modeler_fixture && npm ci && npm run build && cd ../..
    .venv/bin/python tools/camunda_modeler_fixture/generate.py [--out tests/fixtures/camunda_modeler]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DEBOUNCE_MS = 600   # the panels debounce typing (300 ms); wait past it before the next field
SETTLE_MS = 300     # after a click on another element, the panel re-renders its fields

PROCESS_ID = "retiree_medical_switch"
FORM_ID = "retiree_medical_intake"
DECISION_ID = "retiree_medical_route"


class Panel:
    """The Camunda 7 properties panel, filled in the way a user fills it: select, type, tick, add."""

    def __init__(self, page: Page, container: str = "#properties"):
        self.page = page
        self.container = container

    def select(self, element_id: str, how: str = "fixture.select") -> None:
        """Click the element; wait until the panel shows it (its ID field)."""
        self.page.evaluate(f"id => {how}(id)", element_id)
        self.page.wait_for_function("([c, id]) => (document.querySelector(`${c} #bio-properties-panel-id`) || {}).value === id",
                                    arg=[self.container, element_id])
        self.page.wait_for_timeout(SETTLE_MS)

    def text(self, entry: str, value: str) -> None:
        field = self.page.locator(f"{self.container} #bio-properties-panel-{entry}")
        field.fill(value)
        self.page.wait_for_timeout(DEBOUNCE_MS)
        if field.input_value() != value:
            raise RuntimeError(f"the panel's {entry} field shows {field.input_value()!r}, not {value!r}")

    def choose(self, entry: str, value: str) -> None:
        self.page.select_option(f"{self.container} #bio-properties-panel-{entry}", value)
        self.page.wait_for_timeout(100)

    def tick(self, entry: str) -> None:
        self.page.check(f"{self.container} #bio-properties-panel-{entry}")
        self.page.wait_for_timeout(100)

    def add_to_list(self, group: str) -> None:
        self.page.click(f"{self.container} [data-group-id='group-{group}'] .bio-properties-panel-add-entry")
        self.page.wait_for_timeout(100)


def build_form(page: Page) -> str:
    """The clerk's intake form, built from the form-js palette and properties panel."""
    page.evaluate("fixture.openForm()")
    page.evaluate("p => fixture.editForm(p)", {"id": FORM_ID})
    fields = [
        ("textfield", {"label": "姓名", "key": "name", "validate": {"required": True}}),
        ("textfield", {"label": "公民身份号码", "key": "id_number", "description": "18位，含末位校验码",
                       "validate": {"required": True}, "properties": {"format": "id_number"}}),
        ("textfield", {"label": "手机号码", "key": "phone",
                       "validate": {"required": True, "pattern": r"^1[3-9]\d{9}$",
                                    "patternErrorMessage": "请输入11位手机号码"}}),
        ("radio", {"label": "性别", "key": "sex", "validate": {"required": True},
                   "values": [{"label": "男", "value": "male"}, {"label": "女", "value": "female"}]}),
        ("datetime", {"dateLabel": "退休日期", "key": "retirement_date", "validate": {"required": True}}),
        ("checkbox", {"label": "退休审批表、身份证复印件已核验", "key": "materials_verified",
                      "validate": {"required": True}}),
    ]
    for component, properties in fields:
        page.evaluate("([t, p]) => fixture.addFormField(t, p)", [component, properties])
    return page.evaluate("fixture.saveForm()")


def build_decision(page: Page) -> str:
    """The decision table: rename the decision in the DRD's properties panel, open the table, fill it."""
    page.evaluate("fixture.openDmn()")
    panel = Panel(page, "#dmn-properties")
    panel.select(page.evaluate("fixture.decisionId()"), how="fixture.selectDecision")
    panel.text("name", "退休医保衔接方式")
    panel.text("id", DECISION_ID)
    page.evaluate("fixture.openDecisionTable()")
    page.evaluate("t => fixture.fillDecisionTable(t)", {
        "hitPolicy": "FIRST",
        "inputs": [{"label": "尚缺缴费月数", "expression": "medical.shortfall_months", "typeRef": "integer"},
                   {"label": "允许一次性补缴", "expression": "medical.lump_sum_allowed", "typeRef": "boolean"}],
        "outputs": [{"label": "衔接方式", "name": "route", "typeRef": "string"}],
        "rules": [
            {"inputs": ["0", ""], "outputs": ['"switch_now"'], "annotation": "年限已满足，直接转为退休人员医保"},
            {"inputs": ["> 0", "true"], "outputs": ['"top_up"'], "annotation": "一次性补足所缺月数"},
            {"inputs": ["> 0", "false"], "outputs": ['"monthly_contribution"'], "annotation": "按月缴费至满足年限"},
        ],
    })
    return page.evaluate("fixture.saveDmn()")


def draw_process(page: Page) -> str:
    page.evaluate("fixture.openBpmn()")
    panel = Panel(page)
    append = lambda source, target: page.evaluate("([s, t]) => fixture.append(s, t)", [source, target])  # noqa: E731

    # the shapes, left to right, each appended to the previous one from the context pad
    intake = append("StartEvent_1", {"type": "bpmn:UserTask"})
    check = append(intake, {"type": "bpmn:ServiceTask"})
    decide = append(check, {"type": "bpmn:BusinessRuleTask"})
    gateway = append(decide, {"type": "bpmn:ExclusiveGateway"})
    wait = append(gateway, {"type": "bpmn:IntermediateCatchEvent", "eventDefinitionType": "bpmn:TimerEventDefinition"})
    notify = append(wait, {"type": "bpmn:ServiceTask"})
    done = append(notify, {"type": "bpmn:EndEvent"})
    top_up = append(gateway, {"type": "bpmn:EndEvent"})
    to_wait = page.evaluate("([a, b]) => fixture.flowBetween(a, b)", [gateway, wait])
    to_top_up = page.evaluate("([a, b]) => fixture.flowBetween(a, b)", [gateway, top_up])

    # the process: General (name, ID), Version tag; History cleanup keeps the template's 180 days
    panel.select(page.evaluate("fixture.processId()"))
    panel.text("name", "退休人员医保待遇衔接")
    panel.text("id", PROCESS_ID)
    panel.text("versionTag", "2027.1")

    panel.select("StartEvent_1")
    panel.text("name", "收到退休医保衔接申请")

    panel.select(intake)
    panel.text("name", "医保窗口受理")
    panel.text("candidateGroups", "medical_insurance")
    panel.text("dueDate", "P5D")
    panel.choose("formType", "formRef")
    panel.text("formRef", FORM_ID)

    panel.select(check)
    panel.text("name", "核查医保缴费年限")
    panel.choose("implementationType", "external")
    panel.text("externalTopic", "medical_insurance.check_retiree_years")
    panel.tick("asynchronousContinuationBefore")

    panel.select(decide)
    panel.text("name", "判定医保衔接方式")
    panel.choose("implementationType", "dmn")
    panel.text("decisionRef", DECISION_ID)
    panel.text("decisionRefResultVariable", "medical_route")
    panel.choose("mapDecisionResult", "singleResult")

    panel.select(gateway)
    panel.text("name", "是否需补缴")

    panel.select(to_wait)
    panel.text("name", "无需补缴")
    panel.choose("conditionType", "expression")
    panel.text("conditionExpression", '${medical_route["route"] == "switch_now"}')

    panel.select(to_top_up)
    panel.text("name", "需补缴")
    panel.choose("conditionType", "expression")
    panel.text("conditionExpression", '${medical_route["route"] != "switch_now"}')

    panel.select(wait)
    panel.text("name", "次日医保系统同步后")
    panel.choose("timerEventDefinitionType", "timeDuration")
    panel.text("timerEventDefinitionValue", "P1D")

    panel.select(notify)
    panel.text("name", "短信告知办结")
    panel.choose("implementationType", "external")
    panel.text("externalTopic", "notification.send_sms")
    for index, (name, value) in enumerate([("template", "completed"), ("phone", "${phone}")]):
        panel.add_to_list("CamundaPlatform__Input")
        panel.text(f"{notify}-inputParameter-{index}-name", name)
        panel.text(f"{notify}-inputParameter-{index}-stringOrExpression", value)

    panel.select(done)
    panel.text("name", "医保待遇已衔接")
    panel.select(top_up)
    panel.text("name", "转一次性补缴")
    return page.evaluate("fixture.saveBpmn()")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "camunda_modeler")
    args = parser.parse_args()
    if not (HERE / "dist" / "page.js").is_file():
        raise SystemExit("build the page first: cd tools/camunda_modeler_fixture && npm ci && npm run build")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1800, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((HERE / "index.html").as_uri())
        outputs = {f"{FORM_ID}.form": build_form(page), f"{DECISION_ID}.dmn": build_decision(page),
                   f"{PROCESS_ID}.bpmn": draw_process(page)}
        browser.close()
    if errors:
        raise SystemExit("the page reported errors:\n" + "\n".join(errors))
    for name, text in outputs.items():
        (args.out / name).write_bytes(text.encode("utf-8"))
        print(f"wrote {args.out / name} ({len(text.encode('utf-8'))} bytes)")


if __name__ == "__main__":
    main()
