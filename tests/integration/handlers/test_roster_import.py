"""Roster import from CSV (with BOM, Chinese headers) and XLSX into the ledger."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from openpyxl import Workbook

from handlers.ledger import schema
from handlers.ledger.roster_import import import_roster
from handlers.personal import make_id_number

WANG = make_id_number("340722", date(1966, 3, 15), 17)
LI = make_id_number("340722", date(1976, 5, 9), 28)
CSV = (
    "\ufeff身份证号,姓名,人员类别,行政区划,档案出生日期,手机号,灵活就业,特殊工种,特殊工种年限,银行卡号\n"
    f"{WANG},王建国,男职工,340722,1965-11-02,13812341234,否,underground,10,6217001234567890123\n"
    f"{LI},李秀英,女工人,340722,,1381234123,是,,,\n"
    f"{WANG[:-1]}0,坏号码,男职工,340722,,,,,,\n"
    f"{make_id_number('340722', date(1970, 1, 1), 22)},钱芳,男职工,340722,,,,,,\n"
    f"{make_id_number('340722', date(1970, 1, 1), 24)},孙丽,女干部,3407,,,,,,\n"
)


def _persons(db):
    with db.connect() as conn:
        return {r.id_number: r for r in conn.execute(sa.select(schema.persons))}


def test_csv_with_bom_and_chinese_headers_imports_good_rows_and_reports_bad_ones(ledger, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_text(CSV, encoding="utf-8")
    report = import_roster(ledger, path, progress=True)
    assert report.accepted == 2 and report.inserted == 2
    assert [(r["row"], r["reason"].split(":")[0]) for r in report.rejected] == [
        (4, "id_number"), (5, "category"), (6, "locality")]
    assert report.flagged_phones == [3]
    persons = _persons(ledger)
    assert persons[WANG].birth_date_file == date(1965, 11, 2) and persons[WANG].special_work_years == 10
    assert persons[LI].flexible is True and persons[LI].phone_valid is False and persons[LI].category == "female_worker"
    assert "import roster.csv" in capsys.readouterr().err


def test_importing_again_updates_by_id_number(ledger, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(CSV, encoding="utf-8")
    import_roster(ledger, path, progress=False)
    path.write_text(f"id_number,name,category,locality,phone\n{WANG},王建国,male,340722,13900001111\n", encoding="utf-8")
    report = import_roster(ledger, path, progress=False)
    assert (report.inserted, report.updated) == (0, 1)
    assert _persons(ledger)[WANG].phone == "13900001111" and len(_persons(ledger)) == 2


def test_xlsx_rows_are_read_like_csv(ledger, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["id_number", "name", "category", "locality", "birth_date_file", "hukou_address"])
    sheet.append([WANG, "王建国", "male", 340722, date(1965, 11, 2), "枞阳镇1号"])
    sheet.append([LI, "李秀英", "female_cadre", "340722", None, None])
    book.save(tmp_path / "roster.xlsx")
    report = import_roster(ledger, tmp_path / "roster.xlsx", progress=False)
    assert report.accepted == 2 and not report.rejected
    assert _persons(ledger)[WANG].hukou_address == "枞阳镇1号"
    assert _persons(ledger)[WANG].locality == "340722"


def test_a_file_without_the_required_columns_is_rejected_whole(ledger, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("姓名,手机号\n王建国,13812341234\n", encoding="utf-8")
    report = import_roster(ledger, path, progress=False)
    assert report.accepted == 0 and "id_number" in report.rejected[0]["reason"]
