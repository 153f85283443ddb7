"""Import insured persons (CSV or XLSX) into the embedded roster, bounded in size, rows, unpacked size and time."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from handlers.ledger.roster_import import ImportLimits, ImportRefused, import_roster
from handlers.localities import subtree_prefix

from ..auth import current, require
from ..schemas import ImportReport
from .common import engine


def check_importer(eng) -> None:
    """The roster is 人社/社保's record: only their clerks (settings.yaml roster.importers) and operators load it."""
    p = current()
    if p.role == "admin":
        return
    allowed = set((eng.runtime.localities.settings(p.locality).get("roster") or {}).get("importers") or [])
    if not allowed & set(p.groups or []):
        abort(403, message=f"参保人员名单只能由{'、'.join(sorted(allowed)) or '系统管理员'}导入; "
                           f"only clerks of {', '.join(sorted(allowed)) or 'the operators'} may import the roster")


blp = Blueprint("persons", __name__, url_prefix="/api/persons", description="Insured-person roster")
MULTIPART_OVERHEAD = 16 * 1024   # the multipart headers around the file


@blp.route("/import")
class Import(MethodView):
    @require("admin", "clerk")
    @blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary", "description": "the roster, .csv or .xlsx"}}}}}})
    @blp.response(200, ImportReport)
    def post(self):
        """Upload a CSV (UTF-8 or GBK/GB18030) or XLSX roster (multipart field `file`); rows accepted and rejected
        with reasons. A row of a person outside the caller's locality is rejected; a file over the size, row,
        unpacked-size or time limit is refused whole with 413, a damaged file with 422, and nothing is written."""
        limits = ImportLimits()
        request.max_content_length = limits.max_bytes + MULTIPART_OVERHEAD   # 413 before the body is read
        check_importer(engine())
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            abort(422, message="请上传名为 file 的花名册文件 (attach the roster as multipart field 'file')",
                  errors={"files": {"file": ["必填 (required)"]}})
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            abort(422, message="花名册须为 .csv 或 .xlsx 文件 (the roster must be a .csv or .xlsx file)",
                  errors={"files": {"file": ["须为 .csv 或 .xlsx (must be .csv or .xlsx)"]}})
        principal = current()
        scope = None if principal.locality == "000000" else subtree_prefix(principal.locality)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"roster{suffix}"
            upload.save(path)
            try:
                report = import_roster(engine().runtime.db, path, progress=False, scope_prefix=scope, limits=limits)
            except ImportRefused as exc:
                abort(413 if exc.too_large else 422, message=exc.reason, errors={"files": {"file": [exc.reason]}})
        return {"accepted": report.accepted, "rejected": report.rejected, "rejected_total": report.rejected_count,
                "inserted": report.inserted, "updated": report.updated, "flagged_phones": report.flagged_phones}
