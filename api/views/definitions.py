"""Deployed definitions: list, read, validate, deploy (policy role)."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine import queries
from engine.definitions import DefinitionFile
from engine.store.models import Definition

from ..auth import current, require
from ..schemas import (ID_MAX, DefinitionDiff, DefinitionArgs, DefinitionDetail, DefinitionList, DeployRequest, DeployResponse,
                       ValidateResponse)
from .common import audit, engine
from .scope import locality_allowed, visible_localities


def found_definition(session, definition_id) -> Definition:
    """A definition the caller may read: their own subtree's, or one they inherit from an ancestor; else 404."""
    d = queries.definition(session, definition_id)
    if d is None or d.locality not in visible_localities():
        abort(404, message=f"没有这个定义：no definition {definition_id} for your locality")
    return d

blp = Blueprint("definitions", __name__, url_prefix="/api/definitions", description="Process, decision and form definitions")


def _out(d: Definition, inherited=None, overridden=None) -> dict:
    out = {c: getattr(d, c) for c in ("id", "kind", "key", "name", "locality", "version", "file_name", "deployed_at",
                                      "author", "note", "deployment_id")}
    out["retired"] = d.retired_seq is not None
    if inherited is not None:
        out["inherited"], out["overridden"] = inherited, overridden
    return out


def _files(body) -> list[DefinitionFile]:
    return [DefinitionFile(f["name"], f["content"]) for f in body["files"]]


def _multipart_body():
    """Accept multipart uploads too: fields locality, note and one or more files."""
    if not request.files:
        return None
    files = [{"name": f.filename, "content": f.read().decode("utf-8")} for f in request.files.getlist("files")
             or request.files.values()]
    return {"locality": request.form.get("locality", ""), "note": request.form.get("note", ""), "files": files}


@blp.route("")
class Definitions(MethodView):
    @require()
    @blp.arguments(DefinitionArgs, location="query")
    @blp.response(200, DefinitionList)
    def get(self, args):
        """Deployed definitions of your locality's subtree and those it inherits from its ancestors;
        with effective=true, the set in force for a locality"""
        eng = engine()
        locality = args.get("locality") or current().locality
        visible = visible_localities()
        if locality not in visible:
            locality_allowed(locality)  # 404 for an unknown code; otherwise another branch of the tree: 403
        with eng.runtime.reading() as session:
            if args["effective"]:
                rows = [_out(d, inh, ovr) for d, inh, ovr in eng.runtime.definitions.effective(session, locality)
                        if (not args.get("kind") or d.kind == args["kind"]) and (not args.get("key") or d.key == args["key"])]
                return {"items": rows, "total": len(rows)}
            # at the root every locality is visible: no filter needed
            q = queries.definition_query(visible if len(visible) < len(eng.runtime.localities.all()) else None,
                                         locality=args.get("locality") and locality, key=args.get("key"),
                                         kind=args.get("kind"))
            rows, total = queries.page(session, q, args["page"], args["page_size"])
            return {"items": [_out(d) for d in rows], "total": total}

    @require("policy")
    @blp.response(201, DeployResponse)
    @blp.alt_response(422, description="invalid file: each problem names the file, the element and the reason")
    def post(self):
        """Deploy BPMN / DMN / form files to a locality as a new version"""
        body = _multipart_body() or DeployRequest().load(request.get_json(silent=True) or {})
        eng = engine()
        if not body.get("locality"):
            abort(422, message="请指定部署到哪个地区：the locality to deploy to is missing",
                  errors={"form": {"locality": ["required"]}})
        locality_allowed(body["locality"], "deploy target")
        result = eng.deploy(body["locality"], _files(body), current().username, body.get("note", ""))
        with eng.runtime.transaction() as session:
            if result.deployed:
                audit(session, current().username, "deploy", "deployment", result.deployment_id,
                      locality=body["locality"], files=[f["name"] for f in body["files"]])
        return {"deployment_id": result.deployment_id, "deployed": [_out(d) for d in result.deployed],
                "unchanged": [_out(d) for d in result.unchanged], "problems": result.warnings}


@blp.route("/validate")
class Validate(MethodView):
    @require("policy")
    @blp.arguments(DeployRequest)
    @blp.response(200, ValidateResponse)
    def post(self, body):
        """Run every deploy check without deploying"""
        eng = engine()
        locality_allowed(body["locality"], "deploy target")
        problems = eng.validate(body["locality"], _files(body))
        return {"valid": not any(p.get("severity", "error") == "error" for p in problems), "problems": problems}


@blp.route("/<int:definition_id>")
class DefinitionById(MethodView):
    @require()
    @blp.response(200, DefinitionDetail)
    @blp.alt_response(404, description="no such definition in your locality's subtree or its ancestors")
    def get(self, definition_id):
        """One version, with its XML or form JSON"""
        with engine().runtime.reading() as session:
            d = found_definition(session, definition_id)
            return {**_out(d), "content": d.content}


@blp.route("/<int:definition_id>/diff")
class Diff(MethodView):
    @require()
    @blp.doc(parameters=[{"in": "query", "name": "against", "required": True, "schema": {"type": "integer"},
                          "description": "the id of the other version of the same definition"}])
    @blp.response(200, DefinitionDiff)
    def get(self, definition_id):
        """Elements added, removed and changed between this version and `against`"""
        from flask import request as req

        from engine.diff import diff_definitions

        other = req.args.get("against", type=int)
        if other is None or not 1 <= other <= ID_MAX:
            abort(422, message="请给出要比较的版本 (give the version to compare with as ?against=<definition id>)",
                  errors={"query": {"against": [f"须为 1 至 {ID_MAX} 的定义编号 (a definition id)"]}})
        with engine().runtime.reading() as session:
            new, old = found_definition(session, definition_id), found_definition(session, other)
            if (new.kind, new.key) != (old.kind, old.key):
                abort(422, message=f"{old.kind} {old.key} and {new.kind} {new.key} are not versions of one definition",
                      errors={"query": {"against": ["must be a version of the same definition"]}})
            return {"from": _out(old), "to": _out(new), **diff_definitions(new.kind, old.content, new.content)}
