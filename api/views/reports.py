"""Completion counts per department and item (办结数量), and who reaches retirement age in a quarter."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from engine import queries, report_queries
from engine.clock import SHANGHAI
from handlers.personal import masked

from ..auth import current, require
from ..report_tables import Names
from ..schemas import CompletionReport, Ordered, Page, PageSize, UpcomingReport
from .common import engine
from .scope import locality_allowed, path_prefix

blp = Blueprint("reports", __name__, url_prefix="/api/reports", description="Reports")


class CompletionArgs(Ordered):
    locality = fields.String()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")


class UpcomingArgs(Ordered):
    locality = fields.String()
    quarter = fields.String(required=True, validate=validate.Regexp(r"^\d{4}Q[1-4]$", error="quarter must look like 2027Q1"))
    page = Page()
    page_size = PageSize(100, 1000)


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(0), SHANGHAI)


@blp.route("/completions")
class Completions(MethodView):
    @require("admin", "clerk", "auditor", "policy")
    @blp.arguments(CompletionArgs, location="query")
    @blp.response(200, CompletionReport)
    def get(self, args):
        """Per department and item: completed counts for a locality and period (dates inclusive)"""
        eng = engine()
        locality = args.get("locality") or current().locality
        locality_allowed(locality)
        today = eng.runtime.now().astimezone(SHANGHAI).date()
        start = args.get("start") or date(today.year, 1, 1)
        end = args.get("end") or today
        if end < start:
            abort(422, message="'to' is before 'from'", errors={"query": {"to": ["must not be before from"]}})
        with eng.runtime.reading() as session:
            rows = queries.completions(session, path_prefix(locality), _day_start(start), _day_start(end + timedelta(days=1)))
        by_dept: dict[str, dict] = {}
        catalog = eng.runtime.localities.item_catalog(locality)
        names = Names(eng, locality)
        rows = [{**r, "department_name": names.department(r["department"]), "item_name": names.item(r["item"], r["locality"]),
                 "locality_name": names.locality_name(r["locality"])} for r in rows]
        for r in rows:
            dept = by_dept.setdefault(r["department"], {"department": r["department"], "name": r["department_name"],
                                                        "completed": 0, "items": {}})
            dept["completed"] += r["completed"]
            item = dept["items"].setdefault(r["item"], {"item": r["item"],
                                                        "name": (catalog.get(r["item"]) or {}).get("name", r["item"]),
                                                        "completed": 0})
            item["completed"] += r["completed"]
        departments = [{**d, "items": list(d["items"].values())} for d in by_dept.values()]
        return {"locality": locality, "from": start.isoformat(), "to": end.isoformat(),
                "total": sum(d["completed"] for d in departments), "departments": departments, "rows": rows}


@blp.route("/upcoming")
class Upcoming(MethodView):
    @require("admin", "clerk", "auditor", "policy")
    @blp.arguments(UpcomingArgs, location="query")
    @blp.response(200, UpcomingReport)
    def get(self, args):
        """Persons reaching statutory retirement age in a quarter (per the locality's DMN table)"""
        from handlers.localities import subtree_prefix

        eng = engine()
        locality = args.get("locality") or current().locality
        locality_allowed(locality)
        year, q = int(args["quarter"][:4]), int(args["quarter"][5])
        months = {f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)}
        prefix = "" if locality == "000000" else subtree_prefix(locality)
        with eng.runtime.reading() as session:
            found = report_queries.upcoming_persons(eng.runtime, session, prefix, months)
        size, page = args["page_size"], args["page"]
        return {"locality": locality, "quarter": args["quarter"], "total": len(found),
                "items": [masked({k: v for k, v in p.items() if k != "birth_date"})
                          for p in found[(page - 1) * size: page * size]]}
