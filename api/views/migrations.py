"""Moving running cases to a newer version: dry run first, then the real run; every refusal with its reason."""
from __future__ import annotations

from dataclasses import asdict

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from ..auth import current, require
from ..schemas import Id, Ordered
from .common import engine

blp = Blueprint("migrations", __name__, url_prefix="/api/migrations", description="Instance migration")


class MigrationIn(Ordered):
    from_definition = Id(required=True)
    to_definition = Id(required=True)
    mappings = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, metadata={
        "description": "old element id → new element id, in the main process or any called or embedded "
                       "sub-process; write the old id as process:element when it is in several processes"})
    dry_run = fields.Boolean(load_default=True)
    instance_ids = fields.List(fields.String(), load_default=None)


@blp.route("")
class Migrations(MethodView):
    @require("policy")
    @blp.arguments(MigrationIn)
    def post(self, body):
        """Move the running cases of one version to another (dry_run lists what would happen)"""
        outcomes = engine().migrate_instances(body["from_definition"], body["to_definition"], body["mappings"],
                                              dry_run=body["dry_run"], actor=current().username,
                                              instance_ids=body["instance_ids"])
        items = [asdict(o) for o in outcomes]
        return {"dry_run": body["dry_run"], "items": items,
                "moved": sum(1 for o in outcomes if o.outcome == "move"),
                "refused": sum(1 for o in outcomes if o.outcome != "move")}
