"""A month of Zongyang work for the report tests: two community applications accepted in May 2027 (the 采集表 filled),
the June batch submitted by the 5th, approval, and the three joint items done on 4 June; one Jilin case beside it."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.e2e.helpers import at, complete, the_task, tick
from tests.support.people import application_data, person

ITEMS = ["pension_claim", "retiree_medical", "housing_fund_withdrawal"]


def zongyang_month(eng, clock, client, login, roster) -> dict:
    """Runs the month; returns the business keys and the persons."""
    wang = person(county="340722", born=date(1966, 12, 4), name="王建国", phone="13912345678")
    li = person(county="340722", born=date(1966, 12, 9), name="李秀英", seq=33, phone="13812345670")
    jl = person(county="220102", born=date(1966, 12, 9), name="赵吉林", seq=41, phone="13900002222")
    roster(wang, li, jl)
    community, hrss = login("zy_community"), login("zy_hrss")
    at(clock, eng, "2027-05-06T10:00:00")
    keys = {}
    for p, pages in ((wang, 42), (li, 17)):
        rv = client.post("/api/applications", headers=community,
                         json={"locality": "340722", "data": application_data(p, channel="community")})
        assert rv.status_code == 201, rv.json
        keys[p["id_number"]] = rv.json["business_key"]
        tick(eng)
        accept = the_task(client, community, "Task_accept_community", rv.json["business_key"])
        complete(client, community, accept, {"application_form_received": True, "personnel_file_received": True,
                                             "joint_items": ITEMS, "file_pages": pages})
    rv = client.post("/api/applications", headers=login("jl_employer"),
                     json={"locality": "220000", "data": application_data(jl, channel="employer")})
    assert rv.status_code == 201, rv.json
    jl_key = rv.json["business_key"]
    tick(eng)
    at(clock, eng, "2027-06-01T08:00:00")
    batch = [t for t in client.get("/api/tasks", headers=community).json["items"]
             if t["activity_id"] == "Task_submit_community" and t["summary"].get("period") == "2027-05"]
    complete(client, community, batch[0], {"materials_delivered": True, "case_count": 2})
    tick(eng)
    for key in keys.values():
        complete(client, hrss, the_task(client, hrss, "Task_approve", key), {"decision": "approve",
                                                                            "approval_note": "符合条件"})
    tick(eng)
    at(clock, eng, "2027-06-04T08:00:00")
    tick(eng)
    at(clock, eng, "2027-06-20T09:00:00")
    return {"keys": keys, "persons": {p["id_number"]: p for p in (wang, li)}, "jl_key": jl_key, "jl_person": jl}


def audit_count(eng, **where) -> int:
    from engine.store.models import AuditEvent

    q = sa.select(sa.func.count()).select_from(AuditEvent)
    for k, v in where.items():
        q = q.where(getattr(AuditEvent, k) == v)
    with eng.runtime.reading() as s:
        return s.scalar(q)


def sheet_rows(content: bytes, sheet: str | None = None) -> tuple[list[str], list[list]]:
    """(header, data rows) of a downloaded workbook: row 1 is the title, row 2 the header."""
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(content), read_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return rows[1], rows[2:]
