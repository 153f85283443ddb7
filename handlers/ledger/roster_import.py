"""Import insured persons into the ledger roster from CSV (UTF-8, BOM tolerated) or XLSX.

Columns (header row; English name or Chinese alias, any order; unknown columns are ignored):

| column | alias | required | meaning |
|---|---|---|---|
| id_number | 身份证号 | yes | 18-character GB 11643 number, check digit verified |
| name | 姓名 | yes | |
| category | 人员类别 | yes | male / female_cadre / female_worker (男职工 / 女干部 / 女工人) |
| locality | 行政区划 | yes | GB/T 2260 county code, e.g. 340722 |
| sex | 性别 | no | male / female (男 / 女); must agree with the ID number |
| birth_date_file | 档案出生日期 | no | earliest birth date in the personnel file, YYYY-MM-DD |
| phone | 手机号 | no | a malformed phone is accepted but flagged (phone_valid = false) |
| phone_valid | 手机号有效 | no | false when the number is known to be unreachable |
| employer | 单位 | no | |
| flexible | 灵活就业 | no | true / false (是 / 否) |
| special_work_type | 特殊工种 | no | underground / high_altitude / high_temperature / heavy / harmful |
| special_work_years | 特殊工种年限 | no | whole years |
| hukou_address | 户籍地址 | no | |
| only_child_certificate | 独生子女证号 | no | |
| bank_card | 银行卡号 | no | digits |

Rows are upserted by id_number. Each rejected row is reported with its row number (the header is
row 1) and the reason; the accepted rows are written in one transaction.
"""
from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from tqdm import tqdm

from ..localities import is_locality_code
from ..personal import birth_date_from_id, id_number_problem, is_valid_phone, normalise_id, sex_from_id
from .schema import persons

ALIASES = {
    "身份证号": "id_number", "身份证号码": "id_number", "公民身份号码": "id_number", "姓名": "name",
    "性别": "sex", "人员类别": "category", "档案出生日期": "birth_date_file", "手机号": "phone",
    "手机号码": "phone", "联系电话": "phone", "手机号有效": "phone_valid", "行政区划": "locality",
    "行政区划代码": "locality", "所属地区": "locality", "电话": "phone", "单位": "employer", "工作单位": "employer", "灵活就业": "flexible",
    "特殊工种": "special_work_type", "特殊工种年限": "special_work_years", "户籍地址": "hukou_address",
    "独生子女证号": "only_child_certificate", "银行卡号": "bank_card",
}
CATEGORIES = {"male": "male", "female_cadre": "female_cadre", "female_worker": "female_worker",
              "男职工": "male", "男": "male", "女干部": "female_cadre", "女工人": "female_worker"}
SEXES = {"male": "male", "female": "female", "男": "male", "女": "female"}
TRUE, FALSE = {"true", "1", "yes", "y", "是"}, {"false", "0", "no", "n", "否", ""}
SPECIAL_TYPES = {"underground", "high_altitude", "high_temperature", "heavy", "harmful"}
REQUIRED = ("id_number", "name", "category", "locality")


@dataclass
class ImportReport:
    accepted: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: list[dict] = field(default_factory=list)  # {"row": n, "reason": text}
    flagged_phones: list[int] = field(default_factory=list)  # row numbers

    @property
    def total(self) -> int:
        return self.accepted + len(self.rejected)


class RowError(ValueError):
    pass


def import_roster(db_engine: sa.Engine, path, *, progress: bool = True) -> ImportReport:
    path = Path(path)
    rows = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    header = [_column(h) for h in next(rows, [])]
    missing = [c for c in REQUIRED if c not in header]
    report = ImportReport()
    if missing:
        report.rejected.append({"row": 1, "reason": f"missing columns: {', '.join(missing)}"})
        return report
    good: dict[str, dict] = {}
    for number, values in enumerate(tqdm(rows, desc=f"import {path.name}", unit=" rows", file=sys.stderr,
                                         disable=not progress), start=2):
        if not any(v not in (None, "") for v in values):
            continue
        try:
            person = parse_row(dict(zip(header, values)))
        except RowError as exc:
            report.rejected.append({"row": number, "reason": str(exc)})
            continue
        if not person["phone_valid"] and person["phone"] and not is_valid_phone(person["phone"]):
            report.flagged_phones.append(number)
        good[person["id_number"]] = person
    report.accepted = len(good)
    report.inserted, report.updated = _upsert(db_engine, list(good.values()))
    return report


def _column(header) -> str:
    text = str(header or "").strip().lstrip("\ufeff")
    return ALIASES.get(text, text.lower())


def _read_csv(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(io.StringIO(handle.read()))


def _read_xlsx(path: Path):
    from openpyxl import load_workbook
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for row in book.active.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_row(raw: dict) -> dict:
    """One validated persons row, or RowError with the reason."""
    get = lambda key: _text(raw.get(key))  # noqa: E731
    id_number = normalise_id(get("id_number"))
    problem = id_number_problem(id_number)
    if problem:
        raise RowError(f"id_number: {problem}")
    if not get("name"):
        raise RowError("name: missing")
    category = CATEGORIES.get(get("category"))
    if category is None:
        raise RowError(f"category: {get('category')!r} is not male, female_cadre or female_worker")
    sex = sex_from_id(id_number)
    if get("sex") and SEXES.get(get("sex")) != sex:
        raise RowError(f"sex: {get('sex')!r} does not agree with the ID number")
    if (category == "male") != (sex == "male"):
        raise RowError(f"category: {category} does not fit a {sex} ID number")
    if not is_locality_code(get("locality")):
        raise RowError(f"locality: {get('locality')!r} is not a 6-digit GB/T 2260 code")
    phone = get("phone") or None
    special = get("special_work_type") or None
    if special and special not in SPECIAL_TYPES:
        raise RowError(f"special_work_type: {special!r} is not one of {', '.join(sorted(SPECIAL_TYPES))}")
    card = get("bank_card").replace(" ", "") or None
    if card and not card.isdigit():
        raise RowError("bank_card: digits only")
    return {
        "id_number": id_number, "name": get("name"), "sex": sex, "category": category,
        "birth_date_id_card": birth_date_from_id(id_number), "birth_date_file": _date(raw.get("birth_date_file")),
        "phone": phone, "phone_valid": is_valid_phone(phone) and _bool(raw.get("phone_valid"), True, "phone_valid"),
        "locality": get("locality"), "employer": get("employer") or None,
        "flexible": _bool(raw.get("flexible"), False, "flexible"), "special_work_type": special,
        "special_work_years": _int(raw.get("special_work_years"), "special_work_years"),
        "hukou_address": get("hukou_address") or None,
        "only_child_certificate": get("only_child_certificate") or None, "bank_card": card,
    }


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        return date.fromisoformat(text if len(text) != 8 else f"{text[:4]}-{text[4:6]}-{text[6:]}")
    except ValueError as exc:
        raise RowError(f"birth_date_file: {text!r} is not a date (YYYY-MM-DD)") from exc


def _bool(value, default: bool, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if value is None or text == "":
        return default
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise RowError(f"{column}: {value!r} is not true/false")


def _int(value, column: str) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not text.isdigit():
        raise RowError(f"{column}: {text!r} is not a whole number")
    return int(text)


def _upsert(db_engine: sa.Engine, rows: list[dict]) -> tuple[int, int]:
    inserted = updated = 0
    with db_engine.begin() as conn:
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            existing = set(conn.execute(sa.select(persons.c.id_number).where(
                persons.c.id_number.in_([r["id_number"] for r in chunk]))).scalars())
            new = [r for r in chunk if r["id_number"] not in existing]
            if new:
                conn.execute(persons.insert(), new)
            for row in chunk:
                if row["id_number"] in existing:
                    conn.execute(persons.update().where(persons.c.id_number == row["id_number"]).values(**row))
            inserted, updated = inserted + len(new), updated + len(chunk) - len(new)
    return inserted, updated
