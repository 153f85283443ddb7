"""Process instances: start, list, inspect, cancel."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields

from engine import queries
from engine.store.models import Instance

from handlers.personal import masked

from ..auth import current, require
from ..schemas import CancelRequest, InstanceArgs, InstanceDetail, InstanceList, Ordered, StartRequest
from .common import audit, engine
from .scope import found_in_scope, leaf_locality, locality_allowed, path_prefix, works_on

blp = Blueprint("instances", __name__, url_prefix="/api/instances", description="Process instances")


def instance_out(session, row: Instance) -> dict:
    out = {c: getattr(row, c) for c in ("id", "process_key", "definition_id", "business_key", "locality", "status",
                                         "waiting_in", "started_at", "updated_at", "ended_at", "version")}
    out["definition_version"] = queries.definition_version(session, row.definition_id)
    return out


def detail_out(session, row: Instance, *, whole: bool) -> dict:
    eng = engine()
    parts = queries.instance_detail(session, row)
    out = instance_out(session, row)
    out["tasks"] = [{**{c: getattr(t, c) for c in ("id", "instance_id", "process_key", "activity_id", "name",
                                                    "business_key", "locality", "candidate_groups", "form_ref",
                                                    "due_at", "assignee", "status", "item", "created_at")}}
                    for t in parts["tasks"]]
    out["jobs"] = [j._mapping for j in parts["jobs"]]   # mappings: the schema reads them by key
    out["messages"] = [s.message_name for s in parts["subscriptions"]]
    out["history"] = [h._mapping for h in parts["history"]]
    variables = queries.variables_of(eng.runtime, session, row)
    out["variables"] = variables if whole else masked_case(variables)
    return out


def _mask_address(value: str) -> str:
    """Keep the first six characters (province and city at most): 吉林省长春市******."""
    return value[:6] + "*" * max(len(value) - 6, 0)


def masked_case(variables: dict) -> dict:
    """The case's variables with ID numbers, names, phones, bank cards and addresses masked, at any depth."""
    out = masked(variables)
    for key, value in out.items():
        if isinstance(value, str) and key.endswith("address"):
            out[key] = _mask_address(value)
        elif isinstance(value, dict):
            out[key] = masked_case(value)
        elif isinstance(value, list):
            out[key] = [masked_case(v) if isinstance(v, dict) else v for v in value]
    return out


class InstanceReadArgs(Ordered):
    whole = fields.Boolean(load_default=False, metadata={
        "description": "true: the variables with personal data unmasked (ID number, name, phone, bank card, "
                       "address). Only for an admin, or a clerk whose department works on the case (it has or had "
                       "a task in it, or one of its joint items is the department's); every such read is audited. "
                       "Without it the variables are masked."})


def _load(session, instance_id) -> Instance:
    row = queries.instance(session, instance_id)
    return found_in_scope(row, row.locality if row else None, "case", instance_id)


def may_read_whole(session, row: Instance) -> bool:
    """Need-to-know: an admin, or a clerk of a department that works on this case."""
    p = current()
    if p.role == "admin":
        return True
    return p.role == "clerk" and works_on(session, row.id, p.groups)


@blp.route("")
class Instances(MethodView):
    @require("admin", "policy", "clerk", "channel", "auditor")
    @blp.arguments(InstanceArgs, location="query")
    @blp.response(200, InstanceList)
    def get(self, args):
        """Instances in your locality's subtree; filter by business_key, locality, status, key"""
        scope = path_prefix()
        if args.get("locality"):
            locality_allowed(args["locality"])
            scope = path_prefix(args["locality"])
        with engine().runtime.reading() as session:
            q = queries.instance_query(scope, business_key=args.get("business_key"), status=args.get("status"),
                                       key=args.get("key"), leaf=leaf_locality(args.get("locality")))
            got = queries.seek_page(session, q, queries.INSTANCE_ORDER, size=args["page_size"],
                                    page_no=args["page"], after=args.get("after"))
            rows = got.pop("rows")
            return {**got, "items": [instance_out(session, r) for r in rows]}

    @require("admin", "channel", "clerk")
    @blp.arguments(StartRequest)
    @blp.response(201, InstanceDetail)
    def post(self, body):
        """Start process `key` for `locality` with a business key and variables (403 outside your locality)"""
        eng = engine()
        locality_allowed(body["locality"])
        instance_id = eng.start(body["key"], body["locality"], body["business_key"], body["variables"],
                                current().username, without_start_form=True)
        with eng.runtime.reading() as session:
            return detail_out(session, queries.instance(session, instance_id), whole=False)


@blp.route("/<instance_id>")
class InstanceById(MethodView):
    @require("admin", "policy", "clerk", "channel", "auditor")
    @blp.arguments(InstanceReadArgs, location="query")
    @blp.response(200, InstanceDetail)
    @blp.alt_response(403, description="whole=true by someone whose department does not work on the case")
    @blp.alt_response(404, description="no such case in your locality's subtree")
    def get(self, args, instance_id):
        """Status, the activities it waits in, its open tasks and jobs, history; variables masked unless whole=true"""
        eng = engine()
        with eng.runtime.transaction() as session:
            row = _load(session, instance_id)
            if not args["whole"]:
                return detail_out(session, row, whole=False)
            if not may_read_whole(session, row):
                abort(403, message="无权查看完整个人信息：only a department that works on this case may read its "
                                   "personal data whole")
            audit(session, current().username, "read_whole", "instance", instance_id, locality=row.locality,
                  instance_id=row.id, business_key=row.business_key)
            return detail_out(session, row, whole=True)


@blp.route("/<instance_id>/cancel")
class Cancel(MethodView):
    @require("admin", "clerk")
    @blp.arguments(CancelRequest)
    @blp.response(200, InstanceDetail)
    def post(self, body, instance_id):
        """Cancel a running instance with a reason"""
        eng = engine()
        with eng.runtime.reading() as session:
            _load(session, instance_id)
        eng.cancel(instance_id, body["reason"], current().username)
        with eng.runtime.transaction() as session:
            audit(session, current().username, "cancel", "instance", instance_id, reason=body["reason"])
        with eng.runtime.reading() as session:
            return detail_out(session, queries.instance(session, instance_id), whole=False)
