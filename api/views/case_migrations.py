"""Moving running cases to a newer version: dry run first, then the real run; every refusal with its reason.

Only the cases of the caller's locality subtree move; both versions must be ones the caller may read (their own
subtree's or inherited from an ancestor). A case id named outside the subtree is refused like an unknown one.
"""
from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields

from engine import queries

from ..auth import current, require
from ..schemas import Id, Ordered
from .common import audit, engine
from .definitions import found_definition
from .scope import path_prefix

blp = Blueprint("migrations", __name__, url_prefix="/api/migrations", description="Instance migration")


class MigrationIn(Ordered):
    from_definition = Id(required=True)
    to_definition = Id(required=True)
    mappings = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, metadata={
        "description": "old element id → new element id, in the main process or any called or embedded "
                       "sub-process; write the old id as process:element when it is in several processes"})
    dry_run = fields.Boolean(load_default=True)
    instance_ids = fields.List(fields.String(), load_default=None)


class OutcomeOut(Ordered):
    instance_id = fields.String()
    business_key = fields.String()
    from_activities = fields.List(fields.String())
    to_activities = fields.List(fields.String())
    outcome = fields.String(metadata={"description": "move or refuse"})
    reason = fields.String()


class MigrationOut(Ordered):
    dry_run = fields.Boolean()
    items = fields.List(fields.Nested(OutcomeOut))
    moved = fields.Integer()
    refused = fields.Integer()


@blp.route("")
class Migrations(MethodView):
    @require("policy", "admin")   # the admin from the console's case view, one case at a time
    @blp.arguments(MigrationIn)
    @blp.response(200, MigrationOut)
    @blp.alt_response(404, description="a version you may not read, or a case outside your locality's subtree")
    def post(self, body):
        """Move the running cases of one version in your locality's subtree to another (dry_run: what would happen)"""
        eng = engine()
        with eng.runtime.reading() as session:
            for key in ("from_definition", "to_definition"):
                found_definition(session, body[key])
            ids = queries.instance_ids_of_definition(session, body["from_definition"], path_prefix(),
                                                     body["instance_ids"])
        if body["instance_ids"] is not None:
            known = set(ids)
            missing = {str(i): ["不是该版本在您辖区内的案件：no case of that version in your locality"]
                       for i, case in enumerate(body["instance_ids"]) if case not in known}
            if missing:
                abort(404, message=f"没有这些案件：{len(missing)} of the named cases are no cases of that version in "
                                   "your locality", errors={"json": {"instance_ids": missing}})
        outcomes = eng.migrate_instances(body["from_definition"], body["to_definition"], body["mappings"],
                                         dry_run=body["dry_run"], actor=current().username,
                                         instance_ids=ids) if ids else []
        items = [asdict(o) for o in outcomes]
        if not body["dry_run"]:
            with eng.runtime.transaction() as session:
                target = queries.definition(session, body["to_definition"])
                for o in outcomes:
                    if o.outcome == "move":
                        audit(session, current().username, "migrate", "instance", o.instance_id,
                              to_definition=target.id, version=target.version)
        return {"dry_run": body["dry_run"], "items": items,
                "moved": sum(1 for o in outcomes if o.outcome == "move"),
                "refused": sum(1 for o in outcomes if o.outcome != "move")}
