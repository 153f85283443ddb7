"""A clerk's roster upload over HTTP: GBK files import, a damaged file is a 422 and an oversized one a 413 in the
error shape, a Zongyang clerk cannot change a Jilin person, and `retire import roster` refuses the same files with
one line and a non-zero exit."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from handlers.ledger.schema import persons
from handlers.personal import make_id_number
from tests.support.people import person

ROOT = Path(__file__).resolve().parents[3]
HEADER = "身份证号,姓名,人员类别,行政区划,手机号,银行卡号\n"
ZY = make_id_number("340722", date(1966, 5, 3), 15)


def _upload(client, headers, name: str, content: bytes):
    return client.post("/api/persons/import", headers=headers, data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _person(eng, id_number):
    with eng.runtime.db.connect() as conn:
        return conn.execute(sa.select(persons).where(persons.c.id_number == id_number)).mappings().first()


def test_a_gbk_csv_from_excel_imports(eng, client, login):
    rv = _upload(client, login("zy_hrss"), "花名册.csv", (HEADER + f"{ZY},周小平,男职工,340722,13900001111,\n")
                 .encode("gbk"))
    assert rv.status_code == 200, rv.json
    assert rv.json["accepted"] == 1 and _person(eng, ZY)["name"] == "周小平"


def test_a_zongyang_clerk_cannot_overwrite_a_jilin_persons_phone_and_card(eng, client, login, roster):
    jl = roster(person(county="220102", born=date(1967, 3, 15), seq=41))
    rv = _upload(client, login("zy_hrss"), "roster.csv", (HEADER + f"{jl['id_number']},改名,男职工,340722,"
                                                          f"13811112222,6217999999999999\n").encode())
    assert rv.status_code == 200, rv.json
    assert rv.json["accepted"] == 0 and rv.json["rejected_total"] == 1 and "辖区" in rv.json["rejected"][0]["reason"]
    stored = _person(eng, jl["id_number"])
    assert (stored["phone"], stored["bank_card"], stored["locality"]) == (jl["phone"], jl["bank_card"], "220102")
    rv = _upload(client, login("jl_hrss"), "roster.csv", (HEADER + f"{jl['id_number']},{jl['name']},男职工,220102,"
                                                          f"13811112222,\n").encode())
    assert rv.json["accepted"] == 1 and _person(eng, jl["id_number"])["phone"] == "13811112222"


def test_a_damaged_workbook_is_a_422_with_a_chinese_reason_on_the_file_field(client, login):
    rv = _upload(client, login("zy_hrss"), "roster.xlsx", b"PK\x03\x04 this is not a workbook")
    assert rv.status_code == 422
    assert rv.json["message"].startswith("文件不是有效的 XLSX") and rv.json["errors"]["files"]["file"]


def test_an_upload_over_the_size_limit_is_a_413_in_the_error_shape(client, login, monkeypatch):
    monkeypatch.setenv("RETIRE_IMPORT_MAX_BYTES", "2000")
    rv = _upload(client, login("zy_hrss"), "roster.csv", (HEADER + f"{ZY},周小平,male,340722,,\n" * 2000).encode())
    assert rv.status_code == 413
    assert rv.json["code"] == 413 and rv.json["message"].startswith("上传内容过大")


def test_a_zip_bomb_is_a_413_and_imports_nothing(eng, client, login):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(30):
                sheet.write(b"<row><c/></row>" * 70_000)
    rv = _upload(client, login("zy_hrss"), "roster.xlsx", out.getvalue())
    assert rv.status_code == 413 and rv.json["errors"]["files"]["file"]


def _retire(database_url, *args, **env):
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "RETIRE_DATABASE_URL": database_url, **env})


def test_the_cli_refuses_a_damaged_or_oversized_file_with_one_line_and_a_non_zero_exit(eng, database_url, tmp_path):
    broken = tmp_path / "roster.xlsx"
    broken.write_bytes(b"not a workbook")
    out = _retire(database_url, "import", "roster", str(broken), "--quiet")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "XLSX" in out.stderr
    many = tmp_path / "roster.csv"
    many.write_text(HEADER + f"{ZY},周小平,male,340722,,\n" * 5, encoding="gbk")
    out = _retire(database_url, "import", "roster", str(many), "--quiet", RETIRE_IMPORT_MAX_ROWS="3")
    assert out.returncode == 3 and len(out.stderr.strip().splitlines()) == 1 and _person(eng, ZY) is None
    out = _retire(database_url, "import", "roster", str(many), "--quiet")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("accepted 1, rejected 0") and _person(eng, ZY)["name"] == "周小平"
