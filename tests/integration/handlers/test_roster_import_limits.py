"""The roster import under bad or hostile files: GBK CSVs import like UTF-8 ones, a damaged or disguised file is
refused whole with a Chinese reason, the load is bounded (rows, unpacked size, time, rejections reported), and a
clerk's import cannot touch a person of another locality."""
from __future__ import annotations

import io
import itertools
import os
import re
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from handlers.ledger import schema
from handlers.ledger.roster_import import ImportLimits, ImportRefused, import_roster
from handlers.personal import make_id_number

WANG = make_id_number("340722", date(1966, 3, 15), 17)
LI = make_id_number("340722", date(1976, 5, 9), 28)
JL = make_id_number("220102", date(1967, 3, 15), 41)
HEADER = "身份证号,姓名,人员类别,行政区划,手机号,银行卡号\n"


def _persons(db):
    with db.connect() as conn:
        return {r.id_number: r for r in conn.execute(sa.select(schema.persons))}


def _male(n: int) -> str:
    return make_id_number("340722", date(1960, 1, 1) if n % 2 else date(1961, 1, 1), 11 + 2 * (n % 400))


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_a_csv_in_gbk_or_utf8_with_or_without_bom_imports_the_same(ledger, tmp_path, encoding):
    path = tmp_path / "roster.csv"
    path.write_bytes((HEADER + f"{WANG},王建国,男职工,340722,13812341234,\n{LI},李秀英,女工人,340722,,\n")
                     .encode(encoding))
    report = import_roster(ledger, path, progress=False)
    assert (report.accepted, report.rejected) == (2, [])
    assert _persons(ledger)[WANG].name == "王建国" and _persons(ledger)[LI].category == "female_worker"


@pytest.mark.parametrize("name, content", [
    ("roster.csv", b"PK\x03\x04\x00\x00binary"),
    ("roster.csv", b"\xff\xfe\xff\xfe not text in any Chinese encoding \xff"),
    ("roster.xlsx", "身份证号,姓名\n".encode()),
    ("roster.xlsx", b"PK\x03\x04 truncated zip"),
])
def test_a_file_that_is_not_a_readable_roster_is_refused_whole_with_a_chinese_reason(ledger, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as caught:
        import_roster(ledger, path, progress=False)
    assert not caught.value.too_large and re.search(r"[\u4e00-\u9fff]", caught.value.reason[:12])


def _xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["id_number", "name", "category", "locality"])
    book.active.append([WANG, "王建国", "male", "340722"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_damaged_workbook_is_refused_whole(ledger, tmp_path):
    good = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as damaged:
        for info in good.infolist():
            data = good.read(info)
            damaged.writestr(info, data[: len(data) // 2] if "worksheets/sheet1" in info.filename else data)
    with pytest.raises(ImportRefused) as caught:
        import_roster(ledger, path, progress=False)
    assert caught.value.reason.startswith("XLSX") and not _persons(ledger)


def _with_member(tmp_path, name: str, size: int, data_of=None) -> str:
    path = tmp_path / "roster.xlsx"
    good = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for info in good.infolist():
            book.writestr(info, good.read(info))
        with book.open(name, "w") as member:
            block = (data_of or (lambda n: b"<row/>" * (n // 6)))(1 << 20)
            for _ in range(size // len(block)):
                member.write(block)
    return path


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(ledger, tmp_path):
    path = _with_member(tmp_path, "xl/worksheets/padding.xml", 20 * 1024 * 1024)
    assert os.path.getsize(path) < 200 * 1024
    with pytest.raises(ImportRefused) as caught:
        import_roster(ledger, path, progress=False)
    assert caught.value.too_large and "压缩炸弹" in caught.value.reason


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_even_when_it_compresses_normally(ledger, tmp_path):
    path = _with_member(tmp_path, "xl/media/photo.bin", 3 * 1024 * 1024, data_of=os.urandom)
    with pytest.raises(ImportRefused) as caught:
        import_roster(ledger, path, progress=False, limits=ImportLimits(max_unpacked_bytes=2 * 1024 * 1024))
    assert caught.value.too_large and "解压后" in caught.value.reason and not _persons(ledger)


def test_more_rows_than_the_limit_refuses_the_file_and_writes_nothing(ledger, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "".join(f"{_male(n)},张{n},male,340722,,\n" for n in range(5)), encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        import_roster(ledger, path, progress=False, limits=ImportLimits(max_rows=3))
    assert caught.value.too_large and not _persons(ledger)


def test_an_import_over_its_time_limit_is_refused_and_writes_nothing(ledger, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "".join(f"{_male(n)},张{n},male,340722,,\n" for n in range(800)), encoding="utf-8")
    ticks = itertools.count(0, 10.0)     # a fake clock: ten seconds pass at every look
    with pytest.raises(ImportRefused) as caught:
        import_roster(ledger, path, progress=False, limits=ImportLimits(max_seconds=50), clock=lambda: next(ticks))
    assert caught.value.too_large and "秒" in caught.value.reason and not _persons(ledger)


def test_the_rejection_report_keeps_the_first_rejections_and_counts_them_all(ledger, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "".join(f"bad{n},张{n},male,340722,,\n" for n in range(7))
                    + f"{WANG},王建国,male,340722,,\n", encoding="utf-8")
    report = import_roster(ledger, path, progress=False, limits=ImportLimits(max_reported=2))
    assert [r["row"] for r in report.rejected] == [2, 3] and report.rejected_count == 7
    assert report.accepted == 1 and report.total == 8


def test_rows_stream_in_chunks_and_repeated_persons_count_once(ledger, tmp_path):
    path = tmp_path / "roster.csv"
    ids = [_male(n) for n in range(1200)]
    path.write_text(HEADER + "".join(f"{i},张,male,340722,,\n" for i in ids + ids[:10]), encoding="utf-8")
    report = import_roster(ledger, path, progress=False)
    unique = len(set(ids))
    assert (report.accepted, report.inserted, report.updated) == (unique, unique, 0)
    assert len(_persons(ledger)) == unique


def test_a_clerk_import_cannot_overwrite_or_add_a_person_of_another_locality(ledger, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + f"{JL},赵吉林,male,220102,13900000000,6217000000000001\n", encoding="utf-8")
    import_roster(ledger, path, progress=False)                       # the Jilin roster, loaded by an admin
    path.write_text(HEADER + f"{JL},赵吉林,male,340722,13811112222,6217999999999999\n"
                    f"{make_id_number('220102', date(1966, 1, 1), 43)},钱,male,220102,,\n"
                    f"{WANG},王建国,male,340722,,\n", encoding="utf-8")
    report = import_roster(ledger, path, progress=False, scope_prefix="340722")
    assert [(r["row"], r["reason"].split(":")[0]) for r in report.rejected] == [(3, "locality"), (2, "id_number")]
    assert report.accepted == 1
    jl = _persons(ledger)[JL]
    assert (jl.phone, jl.bank_card, jl.locality) == ("13900000000", "6217000000000001", "220102")
