"""A Zongyang case booked offline at the housing-fund centre: an employer files (an offline channel in Zongyang), HRSS
approves on 2 June 2027, the person retires on Sunday 20 June, so the centre books him for Monday 21 June."""
from __future__ import annotations

from datetime import date

from tests.e2e.helpers import at, complete, file_application, the_task, tick
from tests.support.people import application_data, person

ALL_ZY_ITEMS = ["pension_claim", "retiree_medical", "housing_fund_withdrawal"]


def zongyang_employer_case(client, login, eng, clock, roster, *, name="李明", seq=7):
    """→ (the roster person, application id, business key), approved, before the retirement day."""
    li = roster(person(county="340722", born=date(1966, 12, 20), name=name, seq=seq))
    employer, hrss = login("zy_employer"), login("zy_hrss")
    at(clock, eng, "2027-05-25T10:00:00")
    app_id, bk = file_application(client, employer, "340722", application_data(li, channel="employer"))
    tick(eng)
    complete(client, hrss, the_task(client, hrss, "Task_accept_employer", bk),
             {"application_form_received": True, "personnel_file_received": True, "joint_items": ALL_ZY_ITEMS})
    tick(eng)
    at(clock, eng, "2027-06-02T10:00:00")
    complete(client, hrss, the_task(client, hrss, "Task_approve", bk), {"decision": "approve", "approval_note": "可"})
    tick(eng)
    return li, app_id, bk
