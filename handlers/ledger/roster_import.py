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

Rows are upserted by id_number, streamed in chunks inside one transaction: a file refused whole (too large, too
many rows, too slow, unreadable) writes nothing. Each rejected row is reported with its row number (the header is
row 1) and the reason; the report keeps the first ``max_reported`` rejections and counts them all.

Bounded load (ImportLimits, each overridable by an environment variable): the file size, the rows, an XLSX's
unpacked size (the zip's declared and actual member sizes are checked before openpyxl opens it, which then reads
it streaming in read-only mode), and the time. CSV is read as UTF-8 (with or without BOM), else as GB18030 (what
Excel in China writes; GBK is a subset). With ``scope_prefix`` (the caller's subtree, e.g. '340722' or '22') a row
of a person registered, or to be registered, outside it is rejected.
"""
from __future__ import annotations

import codecs
import csv
import os
import sys
import time
import zipfile
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
CHUNK = 500


def _env_number(name: str, default):
    value = os.environ.get(name)
    return type(default)(value) if value else default


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int = field(default_factory=lambda: _env_number("RETIRE_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
    max_rows: int = field(default_factory=lambda: _env_number("RETIRE_IMPORT_MAX_ROWS", 200_000))
    max_unpacked_bytes: int = field(default_factory=lambda: _env_number("RETIRE_IMPORT_MAX_UNPACKED_BYTES",
                                                                        256 * 1024 * 1024))
    max_seconds: float = field(default_factory=lambda: _env_number("RETIRE_IMPORT_MAX_SECONDS", 300.0))
    max_columns: int = 64
    max_reported: int = 1000
    max_compression_ratio: int = 200   # a member unpacking to more than 200× its packed size is a zip bomb


class ImportRefused(ValueError):
    """The whole file is refused and nothing was written; ``too_large`` for a limit (HTTP 413), else unreadable (422)."""

    def __init__(self, reason: str, *, too_large: bool = False):
        super().__init__(reason)
        self.reason, self.too_large = reason, too_large


@dataclass
class ImportReport:
    accepted: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: list[dict] = field(default_factory=list)  # the first max_reported: {"row": n, "reason": text}
    rejected_count: int = 0
    flagged_phones: list[int] = field(default_factory=list)  # row numbers, the first max_reported
    flagged_count: int = 0
    max_reported: int = 1000

    @property
    def total(self) -> int:
        return self.accepted + self.rejected_count

    def reject(self, row: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < self.max_reported:
            self.rejected.append({"row": row, "reason": reason})

    def flag_phone(self, row: int) -> None:
        self.flagged_count += 1
        if len(self.flagged_phones) < self.max_reported:
            self.flagged_phones.append(row)


class RowError(ValueError):
    pass


def import_roster(db_engine: sa.Engine, path, *, progress: bool = True, scope_prefix: str | None = None,
                  limits: ImportLimits | None = None, clock=time.monotonic) -> ImportReport:
    """Import one CSV/XLSX file; ImportRefused when the file is refused whole (nothing is written then)."""
    path, limits = Path(path), limits or ImportLimits()
    started = clock()
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ImportRefused(f"文件大小 {size} 字节超过上限 {limits.max_bytes} 字节 (the file is larger than "
                            f"{limits.max_bytes} bytes)", too_large=True)
    rows = _read_xlsx(path, limits) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path, limits)
    header = [_column(h) for h in next(rows, [])]
    missing = [c for c in REQUIRED if c not in header]
    report = ImportReport(max_reported=limits.max_reported)
    if missing:
        report.reject(1, f"missing columns: {', '.join(missing)}")
        return report
    seen: set[str] = set()
    with db_engine.begin() as conn:
        chunk: list[tuple[int, dict]] = []
        for number, values in enumerate(tqdm(rows, desc=f"import {path.name}", unit=" rows", file=sys.stderr,
                                             disable=not progress), start=2):
            if number - 1 > limits.max_rows:
                raise ImportRefused(f"超过 {limits.max_rows} 行的上限，未导入任何数据；请拆分文件 (more than "
                                    f"{limits.max_rows} rows; nothing was imported, split the file)", too_large=True)
            if number % 100 == 0 and clock() - started > limits.max_seconds:
                raise ImportRefused(f"导入超过 {limits.max_seconds:g} 秒，未导入任何数据；请拆分文件 (the import took "
                                    f"longer than {limits.max_seconds:g} s; nothing was imported)", too_large=True)
            if not any(v not in (None, "") for v in values):
                continue
            try:
                person = parse_row(dict(zip(header, values)))
            except RowError as exc:
                report.reject(number, str(exc))
                continue
            if scope_prefix is not None and not person["locality"].startswith(scope_prefix):
                report.reject(number, "locality: 不在您的辖区 (the row's locality is outside yours)")
                continue
            if not person["phone_valid"] and person["phone"] and not is_valid_phone(person["phone"]):
                report.flag_phone(number)
            chunk.append((number, person))
            if len(chunk) >= CHUNK:
                _write(conn, chunk, scope_prefix, report, seen)
                chunk = []
        _write(conn, chunk, scope_prefix, report, seen)
    report.accepted = len(seen)
    return report


def _write(conn, chunk: list[tuple[int, dict]], scope_prefix: str | None, report: ImportReport,
           seen: set[str]) -> None:
    """Upsert one chunk; a row that would change a person registered outside ``scope_prefix`` is rejected."""
    if not chunk:
        return
    existing = dict(conn.execute(sa.select(persons.c.id_number, persons.c.locality).where(
        persons.c.id_number.in_({p["id_number"] for _, p in chunk}))).all())
    latest: dict[str, dict] = {}
    for number, person in chunk:
        where = existing.get(person["id_number"])
        if scope_prefix is not None and where is not None and not where.startswith(scope_prefix):
            # the row names no other locality: which subtree holds the person is not the caller's to learn
            report.reject(number, "id_number: 此人不在您的辖区，不能修改 (the person is registered outside your "
                                  "locality)")
            continue
        latest[person["id_number"]] = person
    new = [p for i, p in latest.items() if i not in existing]
    if new:
        conn.execute(persons.insert(), new)
    for id_number, person in latest.items():
        if id_number in existing:
            conn.execute(persons.update().where(persons.c.id_number == id_number).values(**person))
        if id_number not in seen:
            seen.add(id_number)
            if id_number in existing:
                report.updated += 1
            else:
                report.inserted += 1


def _column(header) -> str:
    text = str(header or "").strip().lstrip("\ufeff")
    return ALIASES.get(text, text.lower())


def _encoding(path: Path) -> str:
    """utf-8-sig when the whole file is UTF-8, else gb18030 (GBK/GB2312 are subsets); ImportRefused for a file
    that is neither, or binary."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while block := handle.read(1 << 20):
                    if b"\x00" in block:
                        raise ImportRefused("文件不是 CSV 文本，也许是其他格式改了扩展名 (not a CSV text file)")
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportRefused("CSV 文件既不是 UTF-8 也不是 GBK/GB18030 编码 (the CSV is neither UTF-8 nor GBK/GB18030 text)")


def _read_csv(path: Path, limits: ImportLimits):
    encoding = _encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportRefused(f"CSV 第 {reader.line_num} 行无法读取 (line {reader.line_num} cannot be read: "
                                    f"{exc})") from exc
            yield row[:limits.max_columns]


def _check_zip(path: Path, limits: ImportLimits) -> None:
    """Refuse a workbook whose members unpack beyond the limit, declared or actual, before openpyxl sees it."""
    not_xlsx = "文件不是有效的 XLSX 工作簿，请用 Excel 另存为 .xlsx 或 .csv (not an XLSX workbook"
    try:
        with zipfile.ZipFile(path) as book:
            members = book.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names or len(members) > 10_000:
                raise ImportRefused(f"{not_xlsx})")
            declared = sum(m.file_size for m in members)
            too_big = (f"XLSX 解压后超过 {limits.max_unpacked_bytes} 字节的上限 (the workbook unpacks to more than "
                       f"{limits.max_unpacked_bytes} bytes)")
            if declared > limits.max_unpacked_bytes:
                raise ImportRefused(too_big, too_large=True)
            for m in members:
                if m.file_size > 1024 * 1024 and m.file_size > limits.max_compression_ratio * max(m.compress_size, 1):
                    raise ImportRefused(f"XLSX 中 {m.filename} 的压缩比异常，疑似压缩炸弹 (member {m.filename} "
                                        f"unpacks {m.file_size // max(m.compress_size, 1)}× its size)", too_large=True)
            actual = 0
            for m in members:
                with book.open(m) as member:
                    while block := member.read(1 << 20):
                        actual += len(block)
                        if actual > limits.max_unpacked_bytes:
                            raise ImportRefused(too_big, too_large=True)
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise ImportRefused(f"{not_xlsx}: {exc})") from exc


def _read_xlsx(path: Path, limits: ImportLimits):
    from openpyxl import load_workbook

    _check_zip(path, limits)
    damaged = "XLSX 工作簿已损坏，无法读取 (the workbook is damaged"
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything from KeyError to XML errors on a damaged file
        raise ImportRefused(f"{damaged}: {type(exc).__name__})") from exc
    try:
        sheet = book.active
        if sheet is None:
            raise ImportRefused(f"{damaged}: no worksheet)")
        rows = sheet.iter_rows(values_only=True, max_col=limits.max_columns)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - a damaged sheet part
                raise ImportRefused(f"{damaged}: {type(exc).__name__})") from exc
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
