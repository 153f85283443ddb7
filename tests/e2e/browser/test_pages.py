"""Every page tried as a new user would, at a county window's PC (1366×768) and on a phone (375×812):
a community clerk takes in an application at the window and prints it; a clerk finds the case by ID number,
sees it overdue and completes it through the form-js form after one rejected submission; the applicant opens
the SMS link on a phone and sees the new state. Each page is checked with axe-core (no serious or critical
violations), fits a 375-px screen, and its time to usable and gzipped bytes go to screenshots/metrics.json."""
import re
import sys
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from modeler_browser import browser, browser_marks  # noqa: E402,F401
from pages_browser import SCREENSHOTS, measure, record, site, tab  # noqa: E402,F401

from tests.support.people import person  # noqa: E402

pytestmark = browser_marks
SEQ = {"desk": 71, "phone": 73}


def _sign_in(tab, prefix, username, password):
    tab.page.get_by_test_id(f"{prefix}-username").fill(username)
    tab.page.get_by_test_id(f"{prefix}-password").fill(password)
    tab.page.get_by_test_id(f"{prefix}-password").press("Enter")  # Enter signs in: no click


def _filed_at_the_window(site, p) -> dict:
    """The person on the roster and their application filed by the community clerk (through the API)."""
    import requests

    from handlers.ledger.demo_roster import load_roster
    from tests.support.people import application_data

    load_roster(site.engine.runtime.db, [p])
    token = requests.post(f"{site.url}/api/auth/token", json={"username": "zy_community", "password": "clerk123"},
                          timeout=30).json()["token"]
    res = requests.post(f"{site.url}/api/applications", headers={"Authorization": f"Bearer {token}"}, timeout=60,
                        json={"locality": "340722", "data": application_data(p, channel="community")})
    assert res.status_code == 201, res.text
    site.engine.run_due_jobs()
    return res.json()


def test_a_community_clerk_takes_in_an_application_at_the_window_and_prints_it(tab, site):
    from handlers.ledger.demo_roster import load_roster

    p = person(county="340722", born=date(1966, 1, 9), name="钱进步", seq=SEQ[tab.size])
    load_roster(site.engine.runtime.db, [p])
    page = tab.page

    measure(tab, "apply", f"{site.url}/apply", page.get_by_test_id("apply-username"))
    assert page.get_by_test_id("apply-step1").count() == 0, "nothing but the login shows before signing in"
    tab.axe("apply-login")
    _sign_in(tab, "apply", "zy_community", "clerk123")
    page.get_by_test_id("apply-id").fill(p["id_number"])
    page.get_by_test_id("apply-id").press("Enter")
    page.get_by_test_id("apply-statutory").wait_for()
    assert page.get_by_test_id("apply-name").inner_text() == "钱进步", "the clerk sees whose ID it is (an audited read)"
    page.locator("[data-testid=apply-form] .fjs-form").wait_for()
    tab.shot("apply-1-found")
    tab.axe("apply-form")
    assert tab.fits_the_screen(), "the intake fits the screen without sideways scrolling"

    assert page.get_by_label("姓名").input_value() == "钱进步", "what the roster knows is filled in"
    record(f"gzipped_bytes.apply_with_form.{tab.size}", tab.gzipped_bytes())
    card = page.get_by_label("本人名下I类银行储蓄卡号（公积金提取、养老金发放）")
    tab.click(card)
    card.fill("6217-0012")  # a slip the form cannot see: the server's 422 shows under the field
    tab.click(page.get_by_label("本人承诺所填信息真实，同意各部门共享办理所需数据"))
    page.get_by_test_id("apply-submit").click()
    under_card = page.locator(".fjs-form-field:has(input[id*=bank_card]) .fjs-form-field-error")
    under_card.wait_for()
    assert "须为12至19位银行卡号" in under_card.inner_text()
    assert "must be" not in under_card.inner_text(), "in the page's language only"
    tab.shot("apply-1b-server-rejects-the-card")
    card.fill(p["bank_card"])
    tab.click(page.get_by_test_id("apply-submit"))
    page.get_by_test_id("apply-done").wait_for()
    page.evaluate("window.print = () => { window.printed = true }")  # a headless browser has no print dialog
    with page.expect_response(lambda r: r.url.endswith("/form.pdf")) as pdf:
        tab.click(page.get_by_test_id("apply-print"))
    if pdf.value.status == 200:  # the server's filled 申请表
        import requests

        assert pdf.value.headers["content-type"].startswith("application/pdf")
        token = page.evaluate("sessionStorage.getItem('apply.token')")
        paper = requests.get(pdf.value.url, headers={"Authorization": f"Bearer {token}"}, timeout=60).content
        assert paper[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page[^s]", paper)) == 1, "one A4 page"
        (SCREENSHOTS / f"apply-form-pdf-{tab.size}.pdf").write_bytes(paper)
    else:  # no PDF route: the page prints the filled form itself
        assert pdf.value.status == 404
        page.wait_for_function("window.printed === true")
    printed = page.pdf(format="A4", print_background=True)  # what the print stylesheet gives
    (SCREENSHOTS / f"apply-printed-{tab.size}.pdf").write_bytes(printed)
    assert len(re.findall(rb"/Type\s*/Page[^s]", printed)) == 1, "the filled 申请表 prints on one A4 page"
    tab.shot("apply-2-printed")
    record(f"clicks.window_intake.{tab.size}", tab.clicks)

    # the same person again: the duplicate explains itself before any form shows
    tab.click(page.get_by_test_id("apply-next"))
    page.get_by_test_id("apply-id").fill(p["id_number"])
    page.get_by_test_id("apply-id").press("Enter")
    running = page.get_by_test_id("apply-running")
    running.wait_for()
    assert "正在办理" in running.inner_text()
    assert not page.get_by_test_id("apply-step2").is_visible()
    tab.shot("apply-3-duplicate")

    # someone whose window has not opened yet: told so, in Chinese, before any form
    later = person(county="340722", born=date(1970, 5, 9), name="周未到", seq=SEQ[tab.size] + 4)
    load_roster(site.engine.runtime.db, [later])
    page.get_by_test_id("apply-id").fill(later["id_number"])
    page.get_by_test_id("apply-id").press("Enter")
    page.get_by_test_id("apply-window-message").wait_for()
    assert not page.get_by_test_id("apply-step2").is_visible()
    tab.shot("apply-4-not-yet")
    assert not page.errors, page.errors


def test_a_clerk_finds_the_case_by_id_number_sees_it_overdue_and_completes_it_after_one_rejection(tab, site):
    from engine.store.models import HumanTask

    eng = site.engine
    p = person(county="340722", born=date(1966, 1, 9), name="孙立新", seq=SEQ[tab.size] + 20)
    key = _filed_at_the_window(site, p)["business_key"]
    with eng.runtime.transaction() as s:  # the collection was due yesterday
        s.execute(sa.update(HumanTask).where(HumanTask.business_key == key)
                  .values(due_at=eng.runtime.now() - timedelta(days=1)))
    page = tab.page

    measure(tab, "inbox", f"{site.url}/inbox", page.get_by_test_id("inbox-username"))
    assert page.get_by_test_id("inbox-tasks").count() == 0, "no task panel before signing in"
    tab.axe("inbox-login")
    _sign_in(tab, "inbox", "zy_community", "clerk123")

    # find the case by ID number: masked in the list, whole only on "show"
    page.get_by_test_id("search-q").fill(p["id_number"])
    page.get_by_test_id("search-q").press("Enter")
    hit = page.get_by_test_id(f"search-hit-{key}")
    assert p["id_number"] not in hit.inner_text() and "孙*" in hit.inner_text()
    tab.click(hit)
    panel = page.get_by_test_id("case-panel")
    panel.wait_for()
    assert p["id_number"] not in panel.inner_text()
    tab.click(page.get_by_test_id("case-show"))
    page.get_by_test_id("case-shown").wait_for()
    assert page.get_by_test_id("case-id").inner_text() == p["id_number"]
    tab.shot("inbox-1-case")

    # the case's open task is marked overdue, here and in the list; it opens with the keyboard
    assert panel.locator("[data-testid=case-open-tasks] [data-testid=due-overdue]").count() == 1
    row = page.locator(f"[data-testid=inbox-task-Task_accept_community]:has-text('{key}')")
    assert row.locator("[data-testid=due-overdue]").count() == 1
    opener = panel.locator("[data-testid=case-open-tasks] button")
    opener.focus()
    opener.press("Enter")
    page.locator("[data-testid=task-form] .fjs-form").wait_for()
    record(f"gzipped_bytes.inbox_with_form.{tab.size}", tab.gzipped_bytes())
    tab.axe("inbox-task")
    assert tab.fits_the_screen(), "the workbench fits the screen without sideways scrolling"

    page.get_by_test_id("inbox-claim").click()  # the clerk takes the task for herself
    page.get_by_test_id("inbox-unclaim").wait_for()
    assert page.get_by_test_id("claimed-me").count() >= 1
    page.locator("[data-testid=task-form] .fjs-form").wait_for()
    page.get_by_test_id("inbox-complete").click()  # rejected: the required items are not ticked
    page.get_by_text("为必填项").first.wait_for()
    assert page.get_by_test_id("form-message").is_visible()
    tab.shot("inbox-2-rejected")
    page.get_by_label("已收取申请表").check()
    page.get_by_label("基本养老金待遇申领（含提前退休、退职）").check()
    page.get_by_test_id("inbox-complete").click()
    page.get_by_test_id("form-done").wait_for()
    tab.shot("inbox-3-completed")
    with eng.runtime.reading() as s:
        task = s.scalar(sa.select(HumanTask).where(HumanTask.activity_id == "Task_accept_community",
                                                   HumanTask.business_key == key))
        assert task.status == "completed" and task.completed_by == "zy_community"

    page.get_by_test_id("logout").click()
    page.get_by_test_id("inbox-username").wait_for()
    assert page.get_by_test_id("inbox-tasks").count() == 0
    page.get_by_test_id("lang-toggle").click()  # the English switch is kept
    assert page.get_by_test_id("inbox-submit").inner_text() == "Sign in"
    assert not page.errors, page.errors


def test_the_applicant_opens_the_sms_link_and_sees_the_new_state(tab, site):
    from handlers import progress_link

    eng = site.engine
    p = person(county="340722", born=date(1966, 1, 9), name="李秀英", seq=SEQ[tab.size] + 40)
    filed = _filed_at_the_window(site, p)
    key = filed["business_key"]
    sms_link = progress_link.link(key, filed["instance_id"], eng.runtime.now())  # what the applicant's SMS carries
    page = tab.page

    measure(tab, "progress", f"{site.url}/progress?t={sms_link.split('?t=', 1)[1]}", page.get_by_test_id("progress-items"))
    assert page.get_by_test_id("progress-state").is_visible()
    assert p["id_number"] not in page.content() and p["name"] not in page.content(), "nothing else of the person"
    tab.shot("progress-1-sms-link")
    tab.axe("progress")
    assert tab.fits_the_screen(), "the progress page fits a phone"

    # the community clerk takes the papers in; the applicant refreshes and sees the new state
    from engine.store.models import HumanTask

    with eng.runtime.reading() as s:
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.business_key == key,
                                                         HumanTask.activity_id == "Task_accept_community"))
    before = page.get_by_test_id("progress-items").inner_text()
    eng.complete_task(task_id, {"application_form_received": True, "joint_items": ["pension_claim", "retiree_medical"]},
                      "zy_community")
    eng.run_due_jobs()
    tab.click(page.get_by_test_id("progress-refresh"))
    page.wait_for_function("before => document.querySelector('[data-testid=progress-items]').innerText !== before",
                           arg=before)
    tab.shot("progress-2-new-state")

    # by business key and the last six characters of the ID number
    tab.click(page.get_by_test_id("progress-other"))
    page.get_by_test_id("progress-key").fill(key)
    page.get_by_test_id("progress-tail").fill(p["id_number"][-6:])
    page.get_by_test_id("progress-tail").press("Enter")
    page.get_by_test_id("progress-items").wait_for()
    tab.axe("progress-form-result")
    assert not page.errors, page.errors
