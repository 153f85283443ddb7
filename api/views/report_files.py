"""The files the offices exchange, as files: the monthly 信息采集表 of a batch (XLSX and printable PDF), the quarterly
list of next quarter's retirees (XLSX) and the lists sorted by joint item that go to each department (XLSX).

Who gets what (settings ``reports``, 枞人社〔2024〕62号 附件2): the departments in ``whole_groups`` (HRSS, the
social-insurance centre) get every list whole; a submitting office gets its own batch whole (its channels →
``acceptance.batch_groups``); a department its own pushed list whole; the quarterly list also goes whole to
``upcoming_groups``; admin and auditor read masked copies; other clerks are refused (403). Every download writes
an audit row (who, which file, how many rows, whole or masked)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from engine import report_queries
from engine.clock import SHANGHAI

from .. import report_tables as rt
from ..auth import current, require
from ..collection_pdf import collection_pdf
from ..spreadsheets import BINARY, XLSX, download, workbook
from .common import audit, engine
from .monthly_reports import MONTH, LocalityArgs
from .scope import locality_allowed, path_prefix

blp = Blueprint("report_files", __name__, url_prefix="/api/reports",
                description="Files the offices exchange: 采集表, quarterly list, per-department lists")

CODE = validate.Regexp(r"^[a-z_]{1,40}$", error="应为小写代码：a lowercase code such as community")


class CollectionArgs(LocalityArgs):
    month = fields.String(validate=MONTH, metadata={"description": "the month of acceptance (default: last month)"})
    batch_group = fields.String(validate=CODE, metadata={
        "description": "the submitting office's 报送组 (community, county_agency, agency, employer); default: all "
                       "the caller may read"})


class PushedArgs(LocalityArgs):
    month = fields.String(validate=MONTH, metadata={"description": "the month of the push (default: this month)"})
    department = fields.String(validate=CODE, metadata={
        "description": "the department (default: the caller's own department group)"})


class QuarterArgs(LocalityArgs):
    quarter = fields.String(required=True, validate=validate.Regexp(r"^\d{4}Q[1-4]$",
                                                                     error="季度格式应为 2027Q1：quarter must look like 2027Q1"))


def _settings(locality: str) -> dict:
    return engine().runtime.localities.settings(locality)


def _whole_groups(settings) -> set[str]:
    return set((settings.get("reports") or {}).get("whole_groups") or [])


def office_batch_groups(settings, groups) -> set[str]:
    """The 报送组 whose batches a clerk's office submits: its channels (application.channels_by_group) mapped
    through acceptance.batch_groups."""
    by_group = (settings.get("application") or {}).get("channels_by_group") or {}
    to_batch = (settings.get("acceptance") or {}).get("batch_groups") or {}
    return {to_batch[c] for g in groups for c in (by_group.get(g) or []) if c in to_batch}


def _today():
    return engine().runtime.now().astimezone(SHANGHAI).date()


def _locality(args) -> str:
    locality = args.get("locality") or current().locality
    locality_allowed(locality)
    return locality


def _refuse(what: str):
    abort(403, message=f"无权下载{what}：your role and departments may not download this list "
                       f"(role {current().role}, groups {', '.join(current().groups) or '-'})")


def collection_access(settings, batch_group: str | None) -> tuple[list[str] | None, bool]:
    """(the batch groups the caller may read — None for all —, whether personal data is whole)."""
    p = current()
    if p.role in ("admin", "auditor"):
        return ([batch_group] if batch_group else None), False
    if p.role != "clerk":
        _refuse("采集表")
    if set(p.groups) & _whole_groups(settings):
        return ([batch_group] if batch_group else None), True
    mine = office_batch_groups(settings, p.groups)
    if not mine or (batch_group and batch_group not in mine):
        _refuse("其他报送机构的采集表" if mine else "采集表")
    return ([batch_group] if batch_group else sorted(mine)), True


def _audited(kind: str, filename: str, locality: str, rows: int, whole: bool, content: bytes, **extra):
    with engine().runtime.transaction() as session:
        audit(session, current().username, "download", "report_file", filename, locality=locality, kind=kind,
              rows=rows, whole=whole, bytes=len(content), **extra)


def _collection(args) -> tuple[dict, list[dict], bool]:
    eng, locality = engine(), _locality(args)
    month = args.get("month") or rt.previous_month(_today())
    settings = _settings(locality)
    groups, whole = collection_access(settings, args.get("batch_group"))
    with eng.runtime.reading() as session:
        rows = rt.collection_rows(eng, session, path_prefix(locality), locality, month, groups, whole=whole)
    names = rt.Names(eng, locality)
    office = names.batch_group(groups[0]) if groups and len(groups) == 1 else "全部报送机构"
    head = {"locality": locality, "locality_name": names.locality_name(locality), "month": month,
            "batch_group": args.get("batch_group") or "all", "office": office,
            "title": f"{names.locality_name(locality)}企业职工基本养老保险“退休人员一件事”信息采集表"}
    return head, rows, whole


@blp.route("/collection-form.xlsx")
class CollectionXlsx(MethodView):
    @require("admin", "clerk", "auditor")
    @blp.arguments(CollectionArgs, location="query")
    @blp.response(200, BINARY, content_type=XLSX, description="信息采集表 of a monthly batch (XLSX, one row per person)")
    @blp.alt_response(403, description="a clerk of another office's batch, or of no submitting office or HRSS")
    def get(self, args):
        """The monthly 信息采集表 of a batch (含电子版): one row per person accepted in the month"""
        head, rows, whole = _collection(args)
        title = f"{head['title']}（{head['month']} {head['office']}）"
        content = workbook([rt.as_sheet("采集表", title, rt.COLLECTION_COLUMNS, rows)])
        name = f"collection-form-{head['locality']}-{head['month']}-{head['batch_group']}.xlsx"
        _audited("collection_form", name, head["locality"], len(rows), whole, content, month=head["month"],
                 batch_group=head["batch_group"])
        return download(content, name)


@blp.route("/collection-form.pdf")
class CollectionPdf(MethodView):
    @require("admin", "clerk", "auditor")
    @blp.arguments(CollectionArgs, location="query")
    @blp.response(200, BINARY, content_type="application/pdf", description="信息采集表 of a monthly batch (printable PDF)")
    @blp.alt_response(403, description="a clerk of another office's batch, or of no submitting office or HRSS")
    def get(self, args):
        """The monthly 信息采集表 of a batch, printable (A4 landscape, the header row on every page)"""
        head, rows, whole = _collection(args)
        content = collection_pdf(head, rt.COLLECTION_COLUMNS, rows)
        name = f"collection-form-{head['locality']}-{head['month']}-{head['batch_group']}.pdf"
        _audited("collection_form_pdf", name, head["locality"], len(rows), whole, content, month=head["month"],
                 batch_group=head["batch_group"])
        return download(content, name, "application/pdf")


@blp.route("/upcoming.xlsx")
class UpcomingXlsx(MethodView):
    @require("admin", "clerk", "auditor")
    @blp.arguments(QuarterArgs, location="query")
    @blp.response(200, BINARY, content_type=XLSX, description="下季度到龄人员名单 (XLSX)")
    @blp.alt_response(403, description="a clerk of a department that does not compile the quarterly list")
    def get(self, args):
        """The quarterly notification list: persons reaching statutory retirement age in the quarter"""
        from handlers.localities import subtree_prefix

        eng, locality = engine(), _locality(args)
        settings, p = _settings(locality), current()
        allowed = _whole_groups(settings) | set((settings.get("reports") or {}).get("upcoming_groups") or [])
        if p.role == "clerk" and not set(p.groups) & allowed:
            _refuse("到龄人员名单")
        whole = p.role == "clerk"
        year, q = int(args["quarter"][:4]), int(args["quarter"][5])
        months = {f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)}
        with eng.runtime.reading() as session:
            persons = report_queries.upcoming_persons(
                eng.runtime, session, "" if locality == "000000" else subtree_prefix(locality), months)
        rows = rt.upcoming_rows(persons, whole=whole)
        names = rt.Names(eng, locality)
        title = f"{names.locality_name(locality)}{args['quarter'][:4]}年第{q}季度到达法定退休年龄人员名单"
        content = workbook([rt.as_sheet("到龄名单", title, rt.UPCOMING_COLUMNS, rows)])
        name = f"upcoming-{locality}-{args['quarter']}.xlsx"
        _audited("upcoming", name, locality, len(rows), whole, content, quarter=args["quarter"])
        return download(content, name)


@blp.route("/pushed.xlsx")
class PushedXlsx(MethodView):
    @require("admin", "clerk", "auditor")
    @blp.arguments(PushedArgs, location="query")
    @blp.response(200, BINARY, content_type=XLSX, description="推送名单 of one department, one sheet per joint item (XLSX)")
    @blp.alt_response(403, description="a clerk asking for another department's list")
    def get(self, args):
        """The list sorted by joint item pushed to a department in a month (one sheet per item)"""
        eng, locality = engine(), _locality(args)
        settings, p = _settings(locality), current()
        department = args.get("department")
        if p.role == "clerk":
            hrss = bool(set(p.groups) & _whole_groups(settings))
            department = department or next((g for g in p.groups if g not in _whole_groups(settings)), None) \
                or (p.groups[0] if p.groups else None)
            if not department or not (hrss or department in p.groups):
                _refuse("其他部门的推送名单")
            whole = True
        elif not department:
            abort(422, message="请指定部门：department is required", errors={"query": {"department": ["required"]}})
        else:
            whole = False
        month = args.get("month") or _today().strftime("%Y-%m")
        with eng.runtime.reading() as session:
            rows = rt.pushed_rows(eng, session, path_prefix(locality), locality, month, department, whole=whole)
        names = rt.Names(eng, locality)
        by_item: dict[str, list] = {}
        for r in rows:
            by_item.setdefault(r["item"], []).append(r)
        sheets = [rt.as_sheet(names.item(code, locality)[:31], f"{names.department(department)}{month}推送名单："
                              f"{names.item(code, locality)}", rt.PUSHED_COLUMNS,
                              [{**r, "seq": i} for i, r in enumerate(items, start=1)])
                  for code, items in by_item.items()] or [
            rt.as_sheet("推送名单", f"{names.department(department)}{month}推送名单（无）", rt.PUSHED_COLUMNS, [])]
        content = workbook(sheets)
        name = f"pushed-{locality}-{month}-{department}.xlsx"
        _audited("pushed", name, locality, len(rows), whole, content, month=month, department=department)
        return download(content, name)
