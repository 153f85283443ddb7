"""Documents of an approved retirement: the retirement certificate (退休证明) and the pension figure (计发标准),
to look up (JSON) and to download and print (PDF).

Readable by the case's departments (a clerk whose group had a task or an item in the case), by the channel
acting for the person (吉事办), an auditor and an admin, inside their locality; every read is audited since
the documents carry the whole ID number. A person's own progress token can be admitted in ``_may_read`` when
the API issues one.
"""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields

from engine import queries
from engine.store.models import Instance

from ..auth import current, require
from ..documents_pdf import certificate_pdf, pension_pdf
from ..schemas import Ordered
from ..spreadsheets import BINARY
from .common import audit, engine
from .scope import found_in_scope

blp = Blueprint("documents", __name__, url_prefix="/api/instances", description="Retirement certificate and pension")

CASE_FIELDS = ("name", "id_number", "retirement_date", "retirement_type", "approval", "pension", "pension_award")


class PensionOut(Ordered):
    business_key = fields.String()
    retirement_date = fields.String(allow_none=True)
    pension = fields.Dict()
    pension_award = fields.Dict()


def _may_read(session, row: Instance) -> None:
    p = current()
    found_in_scope(row, row.locality, "案件", row.id)
    if p.role == "clerk" and not set(p.groups) & queries.case_departments(session, row.id):
        abort(403, message="只有经办本案的部门可以查看退休证明和计发标准 (your groups have no part in this case)")


def _case(session, instance_id: str, resource: str) -> dict:
    row = queries.instance_by_id_or_key(session, instance_id)
    if row is None:
        abort(404, message=f"no case {instance_id}")
    _may_read(session, row)
    variables = queries.variables_of(engine().runtime, session, row)
    locality = queries.locality(session, row.locality)
    audit(session, current().username, "read", resource, row.id)
    return {**{k: variables.get(k) for k in CASE_FIELDS}, "business_key": row.business_key,
            "locality_name": locality.name if locality else row.locality}


def _pdf(content: bytes, name: str) -> Response:
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


@blp.route("/<instance_id>/certificate.pdf")
class Certificate(MethodView):
    @require("admin", "clerk", "channel", "auditor")
    @blp.response(200, BINARY, content_type="application/pdf", description="退休证明 (PDF)")
    @blp.alt_response(409, description="the retirement is not approved yet")
    def get(self, instance_id):
        """The retirement certificate (退休证明), once the retirement is approved"""
        with engine().runtime.transaction() as session:
            case = _case(session, instance_id, "retirement_certificate")
        if not (case["approval"] or {}).get("approval_no"):
            abort(409, message="退休尚未审批，暂无退休证明 (the retirement is not approved yet)")
        return _pdf(certificate_pdf(case), f"retirement-certificate-{case['business_key']}.pdf")


def _assessed_case(instance_id) -> dict:
    """The case for its pension figure (audited read); 409 until the pension is assessed."""
    with engine().runtime.transaction() as session:
        case = _case(session, instance_id, "pension_figure")
    if not case["pension_award"]:
        abort(409, message="养老金待遇尚未核定 (the pension is not assessed yet)")
    return case


@blp.route("/<instance_id>/pension")
class PensionFigure(MethodView):
    @require("admin", "clerk", "channel", "auditor")
    @blp.response(200, PensionOut)
    @blp.alt_response(409, description="the pension is not assessed yet")
    def get(self, instance_id):
        """The pension figure (计发标准): each part, the divisor and the monthly total"""
        case = _assessed_case(instance_id)
        return {"business_key": case["business_key"], "retirement_date": case["retirement_date"],
                "pension": case["pension"] or {}, "pension_award": case["pension_award"]}


@blp.route("/<instance_id>/pension.pdf")
class PensionPdf(MethodView):
    @require("admin", "clerk", "channel", "auditor")
    @blp.response(200, BINARY, content_type="application/pdf", description="养老金计发标准 (PDF)")
    @blp.alt_response(409, description="the pension is not assessed yet")
    def get(self, instance_id):
        """The pension figure (计发标准) as a printable PDF"""
        case = _assessed_case(instance_id)
        return _pdf(pension_pdf(case), f"pension-{case['business_key']}.pdf")
