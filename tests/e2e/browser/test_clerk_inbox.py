"""A county clerk logs in to the inbox page, sees the case waiting for her, and completes it with the form."""
import sys
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from modeler_browser import browser, browser_marks, page, shot  # noqa: E402,F401

from tests.support.people import person  # noqa: E402

pytestmark = browser_marks


def test_a_community_clerk_sees_the_new_case_and_completes_the_collection_form(page, live_server):
    from engine.store.models import HumanTask
    from handlers.ledger.demo_roster import load_roster

    eng = live_server.engine
    p = person(county="340722", born=date(1966, 2, 9), name="孙立新", seq=61)
    load_roster(eng.db, [p])
    eng.start("retirement", "340722", "BK-inbox", {"id_number": p["id_number"], "name": p["name"], "sex": "male",
                                                  "category": "male", "birth_month": "1966-02", "channel": "community",
                                                  "retirement_type": "normal", "phone": p["phone"],
                                                  "bank_card": p["bank_card"]}, "test")
    eng.run_due_jobs()

    page.goto(f"{live_server.url}/inbox")
    page.get_by_test_id("inbox-username").fill("zy_community")
    page.get_by_test_id("inbox-password").fill("clerk123")
    page.get_by_test_id("inbox-password").press("Enter")
    row = page.get_by_test_id("inbox-task-Task_accept_community")
    row.wait_for()
    assert "孙**" in row.inner_text(), "the list shows the masked name"
    row.click()
    page.get_by_test_id("inbox-complete").click()
    page.get_by_text("为必填项").first.wait_for()
    shot(page, "inbox-required-fields")
    page.get_by_label("已收取申请表").check()
    page.get_by_label("基本养老金待遇申领（含提前退休、退职）").check()
    page.get_by_test_id("inbox-complete").click()
    page.get_by_test_id("form-done").wait_for()
    shot(page, "inbox-completed")
    with eng.reading() as s:
        task = s.scalar(sa.select(HumanTask).where(HumanTask.activity_id == "Task_accept_community",
                                                   HumanTask.business_key == "BK-inbox"))
        assert task.status == "completed" and task.completed_by == "zy_community"
