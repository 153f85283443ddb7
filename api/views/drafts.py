"""Drafts a policy officer saves in the modeler before deploying."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from engine import queries, records
from engine.definitions import kind_of
from engine.store.models import Draft

from ..auth import current, require
from ..schemas import DraftList, DraftOut, Ordered
from .common import engine
from .scope import found_in_scope, locality_allowed

blp = Blueprint("drafts", __name__, url_prefix="/api/drafts", description="Modeler drafts")


class DraftIn(Ordered):
    locality = fields.String(required=True)
    file_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content = fields.String(required=True)


class DraftArgs(Ordered):
    locality = fields.String()


def _out(d: Draft, content=False) -> dict:
    out = {c: getattr(d, c) for c in ("id", "locality", "file_name", "kind", "author")}
    out["updated_at"] = d.updated_at.isoformat()
    if content:
        out["content"] = d.content
    return out


@blp.route("")
class Drafts(MethodView):
    @require("policy")
    @blp.arguments(DraftArgs, location="query")
    @blp.response(200, DraftList)
    def get(self, args):
        """Saved drafts of a locality"""
        eng = engine()
        locality = args.get("locality") or current().locality
        locality_allowed(locality)
        with eng.runtime.reading() as session:
            rows = queries.drafts(session, locality)
            return {"items": [_out(d) for d in rows]}

    @require("policy")
    @blp.arguments(DraftIn)
    @blp.response(200, DraftOut)
    def put(self, body):
        """Save (or overwrite) the draft of one file"""
        eng = engine()
        locality_allowed(body["locality"])
        kind = kind_of(body["file_name"])
        if kind is None:
            abort(422, message="the file name must end in .bpmn, .dmn or .json",
                  errors={"json": {"file_name": ["must end in .bpmn, .dmn or .json"]}})
        with eng.runtime.transaction() as session:
            d = records.save_draft(session, body["locality"], body["file_name"], kind, body["content"],
                                   current().username, eng.runtime.now())
            return _out(d, content=True)


@blp.route("/<int:draft_id>")
class DraftById(MethodView):
    @require("policy")
    @blp.response(200, DraftOut)
    def get(self, draft_id):
        """One draft with its content"""
        eng = engine()
        with eng.runtime.reading() as session:
            d = queries.draft(session, draft_id)
            found_in_scope(d, d.locality if d else None, "draft", draft_id)
            return _out(d, content=True)

    @require("policy")
    @blp.response(204)
    def delete(self, draft_id):
        """Discard a draft"""
        eng = engine()
        with eng.runtime.transaction() as session:
            d = queries.draft(session, draft_id)
            found_in_scope(d, d.locality if d else None, "draft", draft_id)
            records.delete(session, d)
