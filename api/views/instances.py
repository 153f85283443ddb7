"""Process instances: start, list, inspect, cancel."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine import queries
from engine.store.models import Definition, Instance

from handlers.personal import masked

from ..auth import check_scope, current, require
from ..schemas import CancelRequest, InstanceArgs, InstanceDetail, InstanceList, StartRequest
from .common import audit, engine

blp = Blueprint("instances", __name__, url_prefix="/api/instances", description="Process instances")


def instance_out(session, row: Instance) -> dict:
    d = session.get(Definition, row.definition_id)
    out = {c: getattr(row, c) for c in ("id", "process_key", "definition_id", "business_key", "locality", "status",
                                         "waiting_in", "started_at", "updated_at", "ended_at", "version")}
    out["definition_version"] = d.version if d else None
    return out


def detail_out(session, row: Instance, *, whole: bool) -> dict:
    eng = engine()
    parts = queries.instance_detail(session, row)
    out = instance_out(session, row)
    out["tasks"] = [{**{c: getattr(t, c) for c in ("id", "instance_id", "process_key", "activity_id", "name",
                                                    "business_key", "locality", "candidate_groups", "form_ref",
                                                    "due_at", "assignee", "status", "item", "created_at")}}
                    for t in parts["tasks"]]
    out["jobs"] = parts["jobs"]
    out["messages"] = [s.message_name for s in parts["subscriptions"]]
    out["history"] = parts["history"]
    variables = queries.variables_of(eng, session, row)
    out["variables"] = variables if whole else masked(variables)
    return out


@blp.route("")
class Instances(MethodView):
    @require("admin", "policy", "clerk", "channel", "auditor")
    @blp.arguments(InstanceArgs, location="query")
    @blp.response(200, InstanceList)
    def get(self, args):
        """Instances in your locality; filter by business_key, locality, status, key"""
        with engine().reading() as session:
            q = queries.instance_query(current().scope_like, business_key=args.get("business_key"),
                                       locality=args.get("locality"), status=args.get("status"), key=args.get("key"))
            rows, total = queries.page(session, q, args["page"], args["page_size"])
            return {"items": [instance_out(session, r) for r in rows], "total": total}

    @require("admin", "channel", "clerk")
    @blp.arguments(StartRequest)
    @blp.response(201, InstanceDetail)
    def post(self, body):
        """Start process `key` for `locality` with a business key and variables"""
        eng = engine()
        check_scope(eng, body["locality"], "locality")
        instance_id = eng.start(body["key"], body["locality"], body["business_key"], body["variables"],
                                current().username)
        with eng.reading() as session:
            return detail_out(session, session.get(Instance, instance_id), whole=False)


@blp.route("/<instance_id>")
class InstanceById(MethodView):
    @require("admin", "policy", "clerk", "channel", "auditor")
    @blp.response(200, InstanceDetail)
    def get(self, instance_id):
        """Status, the activities it waits in, its open tasks and jobs, history"""
        eng = engine()
        with eng.transaction() as session:
            row = session.get(Instance, instance_id)
            if row is None:
                abort(404, message=f"no instance {instance_id}")
            check_scope(eng, row.locality, "instance")
            whole = current().role in ("admin", "clerk", "auditor")
            if whole:
                audit(session, current().username, "read", "instance", instance_id)
            return detail_out(session, row, whole=whole)


@blp.route("/<instance_id>/cancel")
class Cancel(MethodView):
    @require("admin", "clerk")
    @blp.arguments(CancelRequest)
    @blp.response(200, InstanceDetail)
    def post(self, body, instance_id):
        """Cancel a running instance with a reason"""
        eng = engine()
        with eng.reading() as session:
            row = session.get(Instance, instance_id)
            if row is None:
                abort(404, message=f"no instance {instance_id}")
            check_scope(eng, row.locality, "instance")
        eng.cancel(instance_id, body["reason"], current().username)
        with eng.reading() as session:
            return detail_out(session, session.get(Instance, instance_id), whole=False)
