"""Import insured persons (CSV or XLSX) into the embedded roster."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from handlers.ledger.roster_import import import_roster

from ..auth import current, require
from .common import engine


def check_importer(eng) -> None:
    """The roster is 人社/社保's record: only their clerks (settings.yaml roster.importers) and operators load it."""
    p = current()
    if p.role == "admin":
        return
    allowed = set((eng.settings(p.locality).get("roster") or {}).get("importers") or [])
    if not allowed & set(p.groups or []):
        abort(403, message=f"参保人员名单只能由{'、'.join(sorted(allowed)) or '系统管理员'}导入; "
                           f"only clerks of {', '.join(sorted(allowed)) or 'the operators'} may import the roster")

blp = Blueprint("persons", __name__, url_prefix="/api/persons", description="Insured-person roster")


@blp.route("/import")
class Import(MethodView):
    @require("admin", "clerk")
    def post(self):
        """Upload a CSV or XLSX roster (multipart field `file`); rows accepted and rejected with reasons"""
        check_importer(engine())
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
