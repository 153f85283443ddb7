"""Reports for HRSS and social-insurance staff (/reports): completions (办结数量) per month, locality, department and
joint item; overdue work per department; the monthly batch of each submitting office. Each as JSON and, at the same
path with ``.xlsx``, as a workbook (every download audited). Counts only: no personal data in these tables."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from engine.clock import SHANGHAI

from .. import report_tables as rt
from ..auth import current, require
from ..schemas import Ordered
from ..spreadsheets import BINARY, XLSX, download, workbook
from .common import audit, engine
from .scope import locality_allowed, path_prefix

blp = Blueprint("monthly_reports", __name__, url_prefix="/api/reports", description="Reports: tables and XLSX")

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="月份格式应为 2026-11：month must look like 2026-11")
READERS = ("admin", "clerk", "auditor", "policy")


class LocalityArgs(Ordered):
    locality = fields.String(metadata={"description": "a locality of your subtree (default: yours)"})


class MonthRangeArgs(LocalityArgs):
    start = fields.String(data_key="from", validate=MONTH, metadata={"description": "first month, 2026-01"})
    end = fields.String(data_key="to", validate=MONTH, metadata={"description": "last month (inclusive), 2026-11"})


class MonthArgs(LocalityArgs):
    month = fields.String(validate=MONTH, metadata={"description": "the month of acceptance (default: last month)"})


class Column(Ordered):
    key = fields.String()
    label = fields.String()


class CompletionMonthRow(Ordered):
    month = fields.String()
    locality = fields.String()
    locality_name = fields.String()
    department = fields.String()
    department_name = fields.String()
    item = fields.String()
    item_name = fields.String()
    completed = fields.Integer()


class Department(Ordered):
    code = fields.String()
    name = fields.String()
    items = fields.List(fields.Nested(Column))


class MonthlyCompletions(Ordered):
    locality = fields.String()
    from_ = fields.String(data_key="from")
    to = fields.String()
    months = fields.List(fields.String())
    total = fields.Integer()
    columns = fields.List(fields.Nested(Column))
    rows = fields.List(fields.Nested(CompletionMonthRow))
    departments = fields.List(fields.Nested(Department), metadata={
        "description": "the joint-item departments of the locality (settings: items, departments), for pickers"})


class OverdueRow(Ordered):
    department = fields.String()
    department_name = fields.String()
    locality = fields.String()
    locality_name = fields.String()
    open = fields.Integer()
    overdue = fields.Integer()
    oldest_due = fields.String(allow_none=True)


class OverdueReport(Ordered):
    locality = fields.String()
    at = fields.String()
    total_overdue = fields.Integer()
    columns = fields.List(fields.Nested(Column))
    rows = fields.List(fields.Nested(OverdueRow))


class BatchRow(Ordered):
    month = fields.String()
    locality = fields.String()
    locality_name = fields.String()
    batch_group = fields.String()
    batch_group_name = fields.String()
    submit_by = fields.String(allow_none=True)
    accepted = fields.Integer()
    submitted = fields.Integer()
    submitted_at = fields.String(allow_none=True)


class BatchReport(Ordered):
    locality = fields.String()
    month = fields.String()
    columns = fields.List(fields.Nested(Column))
    rows = fields.List(fields.Nested(BatchRow))


def _locality(args) -> str:
    locality = args.get("locality") or current().locality
    locality_allowed(locality)
    return locality


def _today():
    return engine().runtime.now().astimezone(SHANGHAI).date()


def _completions(args) -> dict:
    eng, locality = engine(), _locality(args)
    today = _today()
    first = args.get("start") or f"{today.year}-01"
    last = args.get("end") or today.strftime("%Y-%m")
    if last < first:
        abort(422, message="截止月份早于起始月份：'to' is before 'from'", errors={"query": {"to": ["must not be before from"]}})
    if len(rt.month_range(first, last)) >= 120:
        abort(422, message="时间跨度不超过十年：at most 120 months", errors={"query": {"from": ["at most 120 months"]}})
    with eng.runtime.reading() as session:
        rows = rt.completion_rows(eng, session, path_prefix(locality), locality, first, last)
    return {"locality": locality, "from": first, "to": last, "months": rt.month_range(first, last),
            "total": sum(r["completed"] for r in rows), "columns": rt.columns(rt.COMPLETION_COLUMNS), "rows": rows,
            "departments": rt.item_departments(eng, locality)}


def _overdue(args) -> dict:
    eng, locality = engine(), _locality(args)
    with eng.runtime.reading() as session:
        rows = rt.overdue_rows(eng, session, path_prefix(locality), locality)
    return {"locality": locality, "at": eng.runtime.now().isoformat(), "total_overdue": sum(r["overdue"] for r in rows),
            "columns": rt.columns(rt.OVERDUE_COLUMNS), "rows": rows}


def _batches(args) -> dict:
    eng, locality = engine(), _locality(args)
    month = args.get("month") or rt.previous_month(_today())
    with eng.runtime.reading() as session:
        rows = rt.batch_rows(eng, session, path_prefix(locality), locality, month)
    return {"locality": locality, "month": month, "columns": rt.columns(rt.BATCH_COLUMNS), "rows": rows}


def xlsx_of(kind: str, title: str, spec, report: dict, filename: str, locality: str):
    """The report as a workbook, the download audited (who, which file, how many rows)."""
    content = workbook([rt.as_sheet(title[:31], title, spec, report["rows"])])
    with engine().runtime.transaction() as session:
        audit(session, current().username, "download", "report_file", filename, locality=locality, kind=kind,
              rows=len(report["rows"]), whole=False, bytes=len(content))
    return download(content, filename)


@blp.route("/completions/monthly")
class Monthly(MethodView):
    @require(*READERS)
    @blp.arguments(MonthRangeArgs, location="query")
    @blp.response(200, MonthlyCompletions)
    def get(self, args):
        """办结数量: completed joint items per month, locality, department and item (Chinese names beside codes)"""
        return _completions(args)


@blp.route("/completions/monthly.xlsx")
class MonthlyXlsx(MethodView):
    @require(*READERS)
    @blp.arguments(MonthRangeArgs, location="query")
    @blp.response(200, BINARY, content_type=XLSX, description="办结数量统计表 (XLSX)")
    def get(self, args):
        """The completion counts per month as an XLSX workbook (audited download)"""
        r = _completions(args)
        return xlsx_of("completions", f"联办事项办结数量统计（{r['from']}至{r['to']}）", rt.COMPLETION_COLUMNS, r,
                       f"completions-{r['locality']}-{r['from']}-{r['to']}.xlsx", r["locality"])


@blp.route("/overdue")
class Overdue(MethodView):
    @require(*READERS)
    @blp.arguments(LocalityArgs, location="query")
    @blp.response(200, OverdueReport)
    def get(self, args):
        """Open and overdue human tasks per department and locality, on the engine's clock"""
        return _overdue(args)


@blp.route("/overdue.xlsx")
class OverdueXlsx(MethodView):
    @require(*READERS)
    @blp.arguments(LocalityArgs, location="query")
    @blp.response(200, BINARY, content_type=XLSX, description="逾期事项统计表 (XLSX)")
    def get(self, args):
        """Overdue work per department as an XLSX workbook (audited download)"""
        r = _overdue(args)
        return xlsx_of("overdue", f"各部门逾期事项统计（{r['at'][:10]}）", rt.OVERDUE_COLUMNS, r,
                       f"overdue-{r['locality']}.xlsx", r["locality"])


@blp.route("/batches")
class Batches(MethodView):
    @require(*READERS)
    @blp.arguments(MonthArgs, location="query")
    @blp.response(200, BatchReport)
    def get(self, args):
        """The monthly batch of each submitting office: accepted in the month, submitted, the deadline (DMN)"""
        return _batches(args)


@blp.route("/batches.xlsx")
class BatchesXlsx(MethodView):
    @require(*READERS)
    @blp.arguments(MonthArgs, location="query")
    @blp.response(200, BINARY, content_type=XLSX, description="月度报送统计表 (XLSX)")
    def get(self, args):
        """The monthly batches as an XLSX workbook (audited download)"""
        r = _batches(args)
        return xlsx_of("batches", f"{r['month']}月度报送情况", rt.BATCH_COLUMNS, r,
                       f"batches-{r['locality']}-{r['month']}.xlsx", r["locality"])
