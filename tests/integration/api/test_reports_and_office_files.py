"""Reports for the county HRSS and social-insurance centre, and the files the offices exchange (采集表, quarterly
list, per-department lists): Chinese names beside codes, rows that match the database, personal data whole only
for the offices that handle the lists, and an audit row for every download."""
from __future__ import annotations

import sqlalchemy as sa

from tests.support.report_world import audit_count, sheet_rows, zongyang_month


def _acceptances(eng, month):
    from handlers.ledger.schema import acceptances

    with eng.runtime.reading() as s:
        return {r.business_key: r for r in s.execute(sa.select(acceptances).where(acceptances.c.batch_month == month))}


def test_the_county_reads_completions_per_month_with_department_and_item_names_and_gets_the_same_as_xlsx(
        eng, clock, client, login, roster):
    zongyang_month(eng, clock, client, login, roster)
    hrss = login("zy_hrss")
    rv = client.get("/api/reports/completions/monthly", headers=hrss, query_string={"from": "2027-01", "to": "2027-12"})
    assert rv.status_code == 200, rv.json
    rows = rv.json["rows"]
    assert {(r["month"], r["department_name"], r["item_name"], r["completed"]) for r in rows} == {
        ("2027-06", "社会保险经办机构", "基本养老金待遇申领（含提前退休、退职）", 2),
        ("2027-06", "医疗保障经办机构", "退休职工基本医疗保险待遇申领", 2),
        ("2027-06", "住房公积金管理中心", "退休职工住房公积金提取", 2)}
    assert {r["locality_name"] for r in rows} == {"枞阳县"}
    before = audit_count(eng, action="download")
    xlsx = client.get("/api/reports/completions/monthly.xlsx", headers=hrss,
                      query_string={"from": "2027-01", "to": "2027-12"})
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    header, data = sheet_rows(xlsx.data)
    assert header == [c["label"] for c in rv.json["columns"]]
    assert data == [[r[c["key"]] for c in rv.json["columns"]] for r in rows]
    assert audit_count(eng, action="download") == before + 1


def test_the_monthly_batch_report_counts_what_each_office_accepted_and_submitted(eng, clock, client, login, roster):
    zongyang_month(eng, clock, client, login, roster)
    rv = client.get("/api/reports/batches", headers=login("zy_hrss"), query_string={"month": "2027-05"})
    assert rv.status_code == 200, rv.json
    assert rv.json["rows"] == [{"month": "2027-05", "locality": "340722", "locality_name": "枞阳县",
                                "batch_group": "community", "batch_group_name": "社区（村、居委会）、乡镇社保所",
                                "submit_by": "2027-06-05", "accepted": 2, "submitted": 2,
                                "submitted_at": rv.json["rows"][0]["submitted_at"]}]
    overdue = client.get("/api/reports/overdue", headers=login("zy_hrss")).json
    assert all(r["department_name"] for r in overdue["rows"])


def test_the_submitting_office_downloads_its_collection_form_whole_and_every_row_matches_the_database(
        eng, clock, client, login, roster):
    world = zongyang_month(eng, clock, client, login, roster)
    accepted = _acceptances(eng, "2027-05")
    before = audit_count(eng, action="download", username="zy_community")
    rv = client.get("/api/reports/collection-form.xlsx", headers=login("zy_community"),
                    query_string={"month": "2027-05", "batch_group": "community"})
    assert rv.status_code == 200, rv.get_data(as_text=True)[:300]
    header, data = sheet_rows(rv.data)
    assert header[:7] == ["序号", "姓名", "公民身份号码", "出生日期", "法定退休时间", "申报渠道", "申请联办事项"]
    by_id = {row[2]: dict(zip(header, row)) for row in data}
    assert set(by_id) == {a.id_number for a in accepted.values() if a.locality == "340722"} == set(world["persons"])
    for id_number, row in by_id.items():
        p = world["persons"][id_number]
        assert row["姓名"] == p["name"] and row["联系电话"] == p["phone"]
        assert row["出生日期"] == p["birth_date_id_card"].isoformat()
        assert row["申请表"] == "已收" and row["人事档案等材料"] == "已收"
        assert row["申请联办事项"] == "基本养老金待遇申领（含提前退休、退职）、退休职工基本医疗保险待遇申领、退休职工住房公积金提取"
        assert row["业务编号"] == world["keys"][id_number]
        assert row["法定退休时间"] == "2027-06-01"
    assert sorted(r[header.index("档案页数")] for r in data) == [17, 42]
    assert audit_count(eng, action="download", username="zy_community") == before + 1

    pdf = client.get("/api/reports/collection-form.pdf", headers=login("zy_hrss"), query_string={"month": "2027-05"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"


def test_other_offices_are_refused_and_admin_and_auditor_get_the_collection_form_masked(
        eng, clock, client, login, roster):
    world = zongyang_month(eng, clock, client, login, roster)
    q = {"month": "2027-05", "batch_group": "community"}
    assert client.get("/api/reports/collection-form.xlsx", headers=login("zy_agency"), query_string=q).status_code == 403
    assert client.get("/api/reports/collection-form.xlsx", headers=login("zy_medical"), query_string=q).status_code == 403
    assert client.get("/api/reports/collection-form.xlsx", headers=login("policy_zy"), query_string=q).status_code == 403
    for who in ("admin", "auditor"):
        rv = client.get("/api/reports/collection-form.xlsx", headers=login(who),
                        query_string={**q, "locality": "340722"})
        assert rv.status_code == 200
        text = repr(sheet_rows(rv.data))
        for id_number, p in world["persons"].items():
            assert id_number not in text and p["name"] not in text and p["phone"] not in text
        assert "*" in text


def test_each_department_gets_its_pushed_list_sorted_by_joint_item_and_hrss_the_quarterly_list(
        eng, clock, client, login, roster):
    world = zongyang_month(eng, clock, client, login, roster)
    rv = client.get("/api/reports/pushed.xlsx", headers=login("zy_medical"), query_string={"month": "2027-06"})
    assert rv.status_code == 200
    header, data = sheet_rows(rv.data)
    assert {r[header.index("公民身份号码")] for r in data} == set(world["persons"])
    assert {r[header.index("联办事项")] for r in data} == {"退休职工基本医疗保险待遇申领"}
    assert client.get("/api/reports/pushed.xlsx", headers=login("zy_medical"),
                      query_string={"month": "2027-06", "department": "housing_fund"}).status_code == 403
    rv = client.get("/api/reports/upcoming.xlsx", headers=login("zy_hrss"), query_string={"quarter": "2027Q2"})
    assert rv.status_code == 200
    header, data = sheet_rows(rv.data)
    assert set(world["persons"]) <= {r[header.index("公民身份号码")] for r in data}
    assert world["jl_person"]["id_number"] not in repr(data)
    assert client.get("/api/reports/upcoming.xlsx", headers=login("zy_housing"),
                      query_string={"quarter": "2027Q2"}).status_code == 403
