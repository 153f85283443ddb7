"""Evaluate a decision table of a locality: outputs and the rule that matched."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields

from engine.dmn.errors import DecisionError

from ..auth import current, require
from ..schemas import DecisionOut, Ordered
from .common import engine
from .scope import locality_allowed

blp = Blueprint("decisions", __name__, url_prefix="/api/decisions", description="Decision tables")


class EvaluateIn(Ordered):
    locality = fields.String()
    inputs = fields.Dict(required=True)


@blp.route("/<decision_id>/evaluate")
class Evaluate(MethodView):
    @require("admin", "policy", "clerk", "auditor")
    @blp.arguments(EvaluateIn)
    @blp.response(200, DecisionOut)
    def post(self, body, decision_id):
        """Evaluate the decision in force for a locality with the given inputs"""
        eng = engine()
        locality = body.get("locality") or current().locality
        locality_allowed(locality)
        try:
            result, definition = eng.runtime.decisions.decide(decision_id, locality, body["inputs"], with_rules=True)
        except DecisionError as exc:
            abort(422, message=str(exc), errors={"json": {"inputs": [str(exc)]}})
        return {"decision": decision_id, "locality": locality, "definition_id": definition.id,
                "defined_at": definition.locality, "version": definition.version, "outputs": _times_as_text(result.outputs),
                "matched_rules": result.matched_rules, "matched_rule_ids": result.matched_rule_ids}


def _times_as_text(value):
    """A time of day (dmn-js time cells) as ISO text: the JSON encoder knows dates and Decimals, not times."""
    from datetime import time
    if isinstance(value, dict):
        return {k: _times_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_times_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, time) else value
