"""The locality tree."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from engine import queries

from ..auth import current, require
from ..schemas import Id, LocalityList, Ordered
from .common import engine
from .scope import locality_allowed, visible_localities

blp = Blueprint("localities", __name__, url_prefix="/api/localities", description="Localities")


@blp.route("")
class Localities(MethodView):
    @require()
    @blp.response(200, LocalityList)
    def get(self):
        """Your part of the locality tree (flat, each with its parent), national first: the localities above yours,
        whose definitions you inherit, and your whole subtree"""
        with engine().runtime.reading() as session:
            rows = queries.localities(session, visible_localities())
        return {"items": rows}


class AdaptIn(Ordered):
    definition_id = Id(required=True)


@blp.route("/<code>/overrides")
class Overrides(MethodView):
    @require("policy")
    @blp.arguments(AdaptIn)
    @blp.response(201)
    def post(self, body, code):
        """Adapt an inherited definition: the locality gets its own copy of that one file"""
        from .definitions import _out, found_definition

        eng = engine()
        locality_allowed(code)
        with eng.runtime.reading() as session:
            found_definition(session, body["definition_id"])
        return _out(eng.adapt(code, body["definition_id"], current().username), False, True)


@blp.route("/<code>/overrides/<kind>/<key>")
class OverrideByKey(MethodView):
    @require("policy")
    @blp.response(204)
    def delete(self, code, kind, key):
        """Drop the locality's own versions of a definition so that it inherits again"""
        eng = engine()
        locality_allowed(code)
        eng.drop_override(code, kind, key, current().username)
