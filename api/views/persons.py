"""Import insured persons (CSV or XLSX) into the embedded roster."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from handlers.ledger.roster_import import import_roster

from ..auth import require
from ..schemas import ImportReport
from .common import engine

blp = Blueprint("persons", __name__, url_prefix="/api/persons", description="Insured-person roster")


@blp.route("/import")
class Import(MethodView):
    @require("admin", "clerk")
    @blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary", "description": "the roster, .csv or .xlsx"}}}}}})
    @blp.response(200, ImportReport)
    def post(self):
        """Upload a CSV or XLSX roster (multipart field `file`); rows accepted and rejected with reasons"""
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            abort(422, message="attach the roster as multipart field 'file'", errors={"files": {"file": ["required"]}})
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            abort(422, message="the roster must be a .csv or .xlsx file", errors={"files": {"file": ["must be .csv or .xlsx"]}})
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"roster{suffix}"
            upload.save(path)
            report = import_roster(engine().db, path, progress=False)
        return {"accepted": report.accepted, "rejected": [
            {"row": e.row, "reason": e.reason} if hasattr(e, "row") else e for e in report.rejected],
            "inserted": getattr(report, "inserted", None), "updated": getattr(report, "updated", None)}
