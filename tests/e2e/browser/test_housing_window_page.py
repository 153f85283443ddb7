"""The housing-fund centre's clerk receives a person booked offline, in the workbench (/inbox) at a window PC and on a
phone: the form-js form shows the card on file masked and read-only, refuses a submission without the identity
check, and completing it pays that card."""
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
from modeler_browser import browser, browser_marks  # noqa: E402,F401
from pages_browser import site, tab  # noqa: E402,F401

from tests.e2e.helpers import at, tick  # noqa: E402
from tests.support.housing_window import zongyang_employer_case  # noqa: E402

pytestmark = browser_marks
SEQ = {"desk": 81, "phone": 83}


@pytest.fixture(scope="module")
def booked(site):
    """One person per screen size, both booked for 21 June 2027; the clock on the retirement day."""
    from api import create_app
    from handlers.ledger.demo_roster import load_roster

    client = create_app({"TESTING": True, "SECRET_KEY": "browser-test-secret-0123456789-abcdefghij"},
                        engine=site.engine).test_client()

    def login(username):
        token = client.post("/api/auth/token", json={"username": username, "password": "clerk123"}).json["token"]
        return {"Authorization": f"Bearer {token}"}

    def roster(p):
        load_roster(site.engine.runtime.db, [p])
        return p

    cases = {size: zongyang_employer_case(client, login, site.engine, site.clock, roster, name=name, seq=seq)
             for (size, seq), name in zip(SEQ.items(), ("钱多多", "孙少平"))}
    at(site.clock, site.engine, "2027-06-21T09:00:00")
    return cases


def test_the_centres_clerk_receives_the_booked_person_and_the_card_on_file_is_paid(tab, site, booked):
    from handlers.ledger.schema import housing_fund_withdrawals

    person, _app_id, bk = booked[tab.size]
    page = tab.page
    page.goto(f"{site.url}/inbox")
    page.get_by_test_id("inbox-username").fill("zy_housing")
    page.get_by_test_id("inbox-password").fill("clerk123")
    page.get_by_test_id("inbox-password").press("Enter")
    row = page.locator(f"[data-testid=inbox-task-Task_hf_reception]:has-text('{bk}')")
    tab.click(row)
    page.locator("[data-testid=task-form] .fjs-form").wait_for()
    card = page.get_by_label("提取款收款银行卡（已登记，遮挡显示）")
    assert card.input_value() == "*" * 15 + person["bank_card"][-4:], "the card on file, masked"
    assert card.get_attribute("readonly") is not None, "the clerk cannot type a card here"
    assert person["bank_card"] not in page.inner_text("body")
    tab.shot("housing-1-window")
    tab.axe("housing-window")
    assert tab.fits_the_screen()

    page.get_by_label("本人已按预约到窗口").check()
    page.get_by_test_id("inbox-complete").click()   # rejected: the identity check is not ticked
    page.get_by_text("为必填项").first.wait_for()
    page.get_by_label("已当面核验本人居民身份证").check()
    page.get_by_label("本人确认提取款支付至上述登记的本人银行卡").check()
    page.get_by_test_id("inbox-complete").click()
    page.get_by_test_id("form-done").wait_for()
    tick(site.engine)
    with site.engine.runtime.db.connect() as conn:
        paid = conn.execute(sa.select(housing_fund_withdrawals.c.bank_card).where(
            housing_fund_withdrawals.c.id_number == person["id_number"])).scalars().all()
    assert paid == [person["bank_card"]]
    assert not page.errors, page.errors
