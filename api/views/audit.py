"""The audit log for auditors: who read whole personal data or changed something, in your locality's subtree."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from engine import queries

from ..auth import require
from ..schemas import Ordered
from .common import engine
from .scope import path_prefix

blp = Blueprint("audit", __name__, url_prefix="/api/audit", description="Audit log")


class AuditArgs(Ordered):
    actor = fields.String(metadata={"description": "the username that acted"})
    instance_id = fields.String(metadata={"description": "the case (process instance) the row concerns"})
    action = fields.String(metadata={"description": "read_whole, read, cancel, migrate, retry, deploy, …"})
    resource = fields.String(metadata={"description": "instance, task, application_progress, incident, deployment"})
    start = fields.AwareDateTime(data_key="from", metadata={"description": "from this time (inclusive), with offset"})
    end = fields.AwareDateTime(data_key="to", metadata={"description": "before this time (exclusive), with offset"})
    before_id = fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "keyset paging: only rows older than this id (give next_before_id of the previous page)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100), metadata={
        "description": "page number; past page 100 use before_id"})
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class AuditOut(Ordered):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(attribute="username")
    action = fields.String()
    resource = fields.String()
    resource_id = fields.String()
    instance_id = fields.String(allow_none=True)
    locality = fields.Method("_locality")
    details = fields.Dict()

    def _locality(self, row):
        return row.locality_path.rstrip("/").rsplit("/", 1)[-1] or None


class AuditList(Ordered):
    items = fields.List(fields.Nested(AuditOut))
    total = fields.Integer()
    next_before_id = fields.Integer(allow_none=True, metadata={
        "description": "give it as before_id for the next page; null on the last page"})


@blp.route("")
class AuditLog(MethodView):
    @require("auditor")
    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, AuditList)
    def get(self, args):
        """Audit rows of your locality's subtree, newest first; filter by actor, case, action, resource, time"""
        if args.get("start") and args.get("end") and args["end"] <= args["start"]:
            abort(422, message="'to' 必须晚于 'from'：'to' must be after 'from'",
                  errors={"query": {"to": ["must be after from"]}})
        with engine().runtime.reading() as session:
            q = queries.audit_query(path_prefix(), actor=args.get("actor"), instance_id=args.get("instance_id"),
                                    action=args.get("action"), resource=args.get("resource"),
                                    start=args.get("start"), end=args.get("end"), before_id=args.get("before_id"))
            rows, total = queries.page(session, q, args["page"], args["page_size"])
            more = total > (args["page"] - 1) * args["page_size"] + len(rows)
            return {"items": rows, "total": total, "next_before_id": rows[-1].id if rows and more else None}
