"""The one application (申请表) of one person, and the applicant's view of its progress."""
from __future__ import annotations

import logging
import secrets
import uuid

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields

from engine import case_queries, queries, records
from engine.clock import SHANGHAI
from engine.errors import InvalidInput
from engine.forms import defaults_of, validate_submission
from engine.runtime.cases import PersonHasRunningCase
from engine.store.models import Application
from handlers import notification
from handlers.personal import birth_date_from_id, masked, normalise_id, sex_from_id

from ..auth import READING, TRANSACTION, check_scope, current, request_session, require
from ..schemas import Ordered
from . import application_checks as checks
from .common import audit, engine
from .scope import found_in_scope, locality_allowed, works_on

log = logging.getLogger("retire.api")
blp = Blueprint("applications", __name__, url_prefix="/api/applications", description="Applications and progress")


class ApplicationIn(Ordered):
    locality = fields.String(required=True)
    process = fields.String(load_default="retirement")
    data = fields.Dict(required=True)


class ItemOut(Ordered):
    code = fields.String()
    name = fields.String()
    department = fields.String(allow_none=True)
    state = fields.String()
    result = fields.Dict()
    completed_at = fields.DateTime(allow_none=True)


class NextOut(Ordered):
    type = fields.String()
    name = fields.String()
    department = fields.String(allow_none=True)
    due = fields.DateTime(allow_none=True)


class Progress(Ordered):
    application_id = fields.String()
    business_key = fields.String()
    status = fields.String()
    locality = fields.String()
    items_done = fields.Integer()
    items_total = fields.Integer()
    items = fields.List(fields.Nested(ItemOut))
    next = fields.List(fields.Nested(NextOut))
    updated_at = fields.DateTime()


class ApplicationOut(Ordered):
    id = fields.String()
    business_key = fields.String()
    instance_id = fields.String()
    locality = fields.String()
    channel = fields.String()
    created_at = fields.DateTime()
    applicant = fields.Dict()


def application_variables(data: dict) -> dict:
    """Process variables derived from the form: birth month and sex from the ID number. A bank card typed in the
    form is kept as ``requested_card``: a request the department checks, never a payee."""
    variables = {"requested_retirement_month": None, **data}
    variables["requested_card"] = variables.pop("bank_card", None)
    born = birth_date_from_id(data["id_number"])
    variables.setdefault("sex", sex_from_id(data["id_number"]))
    variables["birth_date_id_card"] = born.isoformat()
    variables["birth_month"] = born.isoformat()[:7]
    if variables.get("sex") == "male":
        variables["category"] = "male"
    elif variables.get("category") not in ("female_cadre", "female_worker"):
        raise InvalidInput("有1项填写不正确 (1 field(s) are not valid)", errors={
            "category": ["女职工须选择原法定退休年龄类别: female_cadre (原55周岁) 或 female_worker (原50周岁)"]})
    return variables


FLEXIBLE_CHOICES = checks.FLEXIBLE_CHOICES


def check_flexible_request(eng, locality: str, variables: dict, *, session=None, seq: int | None = None) -> None:
    """Pre-check an early or deferred retirement date with the locality's decision tables, before the case starts.

    What needs the department's records (contributions) or the employer (written notice, agreement) is decided
    in the case; a request the tables already refuse is a 422 on ``requested_retirement_month``.
    """
    if variables.get("retirement_choice") not in FLEXIBLE_CHOICES:
        return
    at = {"session": session, "seq": seq}
    statutory = eng.runtime.decisions.decide("statutory_retirement_age", locality, variables, **at)
    window = eng.runtime.decisions.decide("flexible_retirement_window", locality, {
        **variables, "retirement_age_months": statutory["retirement_age_months"],
        "contribution_months": None, "minimum_months": None}, **at)
    verdict = eng.runtime.decisions.decide("flexible_retirement_request", locality, {
        **variables, "statutory": statutory, "flex_window": window, "notice_date": None,
        "employer_decision": None, "agreement_date": None}, **at)
    if verdict["outcome"] == "rejected":
        raise InvalidInput(verdict["reason"], errors={"requested_retirement_month": [verdict["reason"]]})


def _running_case_key(eng, locality: str, id_number: str, session=None) -> str | None:
    """The business key of the person's running case in the locality, if any (in its own session by default)."""
    if session is not None:
        found = case_queries.running_case(session, locality, id_number)
        return found.business_key if found else None
    with eng.runtime.reading() as own:
        return _running_case_key(eng, locality, id_number, own)


def _conflict(business_key: str | None):
    abort(409, message=f"该参保人已有正在办理的退休一件事（业务编号 {business_key}），不能重复申请；"
                      f"可按业务编号查询办理进度，如需更正申请内容请联系受理该申请的经办机构; "
                      f"this person already has a running retirement case {business_key}: look it up by its business "
                      f"key, or ask the office that accepted it to correct it",
          errors={"json": {"id_number": [f"已有正在办理的退休一件事：{business_key}"]}}, business_key=business_key)


@blp.route("")
class Applications(MethodView):
    @require("admin", "channel", "clerk", session=READING)
    @blp.arguments(ApplicationIn())  # one instance: not built per request
    @blp.response(201, ApplicationOut)
    @blp.alt_response(422, description="a field of the application form is not valid")
    def post(self, body):
        """Submit the one application for one person; starts the retirement for that person's locality.

        The channel is the account's (an employer's clerk files as employer, a community clerk as community, the
        platforms online); the person must be on the locality's roster, of a plausible age and inside the
        locality's application window; one running retirement per person and locality (409 names the case)."""
        eng = engine()
        locality = body["locality"]
        check_scope(eng, locality, "locality")
        settings = eng.runtime.localities.settings(locality)
        rules = settings.get("application") or {}
        channel = checks.resolve_channel(settings, current(), (body["data"] or {}).get("channel"))
        session = request_session()   # the account's: one reading session, one deployment seq for every check
        seq = eng.runtime.definitions.latest_seq(session)
        form = queries.form_for(eng.runtime, session, "application_form", locality, seq)
        if form is None:
            abort(404, message=f"该地区尚未部署退休申请表 (no application form is deployed for locality {locality})")
        data = validate_submission(form, {**defaults_of(form), **body["data"], "channel": channel})
        data["id_number"] = normalise_id(data["id_number"])  # one person, one key: a lower-case x is the same X
        variables = application_variables(data)
        person = checks.check_person(eng.runtime.ports.roster, locality, eng.runtime.localities.require(locality).name,
                                     current().locality, data["id_number"])
        check_flexible_request(eng, locality, variables, session=session, seq=seq)
        today = eng.runtime.now().astimezone(SHANGHAI).date()
        dates = checks.retirement_dates(eng, locality, variables, person, session=session, seq=seq)
        checks.check_plausible(rules, variables, dates, today)
        checks.check_window(rules, variables, dates, today)
        checks.check_online(rules, channel, person)
        running = _running_case_key(eng, locality, data["id_number"], session)
        session.close()   # its connection goes back before the case's transaction takes one
        if running:
            _conflict(running)
        now = eng.runtime.now()
        business_key = f"{locality}-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"
        try:
            with eng.runtime.transaction() as session:
                instance_id = eng.start(body["process"], locality, business_key, variables, current().username,
                                        session=session, person_key=data["id_number"])
                app = Application(id=str(uuid.uuid4()), business_key=business_key, instance_id=instance_id,
                                  locality=locality, locality_path=eng.runtime.localities.path(locality),
                                  id_number=data["id_number"], name=data.get("name", ""),
                                  channel=channel, data=data, submitted_by=current().username,
                                  created_at=now)
                records.add(session, app)
        except PersonHasRunningCase:  # lost the race to a simultaneous application: the database decided
            _conflict(_running_case_key(eng, locality, data["id_number"]))
        try:   # the case is filed; an SMS gateway that fails must not turn that into an error
            notification.application_received(eng.runtime.ports, settings, business_key, instance_id, data.get("name", ""),
                                              data.get("phone"), now)
        except Exception:  # noqa: BLE001
            log.exception("application %s: the SMS with the progress link was not sent", business_key)
        return {**{c: getattr(app, c) for c in ("id", "business_key", "instance_id", "locality", "channel",
                                                "created_at")}, "applicant": masked(data)}

    @require("admin", "channel", "clerk", "auditor")
    @blp.response(200, ApplicationOut(many=True))
    def get(self):
        """Recent applications in your locality (personal data masked)"""
        with engine().runtime.reading() as session:
            rows = queries.recent_applications(session, current().scope_like, 200)
            return [{**{c: getattr(a, c) for c in ("id", "business_key", "instance_id", "locality", "channel",
                                                    "created_at")}, "applicant": masked(a.data)} for a in rows]


class FormArgs(Ordered):
    locality = fields.String(required=True, metadata={"description": "the case's locality, e.g. 340722 or 220000",
                                                      "example": "340722"})


class FormOut(Ordered):
    locality = fields.String()
    locality_name = fields.String()
    process_key = fields.String()
    form = fields.Dict(metadata={"description": "the form-js schema of the locality's application form (申请表)"})


@blp.route("/form")
class ApplicationForm(MethodView):
    @require("admin", "policy", "channel", "clerk", "auditor")
    @blp.arguments(FormArgs, location="query")
    @blp.response(200, FormOut)
    @blp.alt_response(403, description="a locality outside yours")
    @blp.alt_response(404, description="no such locality, or no application form deployed for it")
    def get(self, args):
        """The application form (form-js schema) in force for a locality: the page renders it and POST
        /api/applications checks the data against the same form"""
        eng = engine()
        locality = args["locality"]
        locality_allowed(locality)
        with eng.runtime.reading() as session:
            form = queries.form_for(eng.runtime, session, "application_form", locality)
        if form is None:
            abort(404, message=f"该地区尚未部署退休申请表 (no application form is deployed for locality {locality})")
        return {"locality": locality, "locality_name": eng.runtime.localities.require(locality).name, "process_key": "retirement",
                "form": form}


SHOWN_ELSEWHERE = {"consent", "requested_items", "channel"}   # the pledge, the ticked items, the acceptance block


def _shown(component: dict, value) -> str:
    if value in (None, ""):
        return ""
    for v in component.get("values") or []:
        if str(v.get("value")) == str(value):
            return v.get("label") or str(value)
    return str(value)


def form_document(eng, session, app: Application) -> bytes:
    """The filled 申请表: the locality's form's fields in its order and words, the items ticked, the acceptance."""
    from engine.forms import fields_of, is_hidden

    from ..documents_pdf import application_form_pdf

    form = queries.form_for(eng.runtime, session, "application_form", app.locality) or {"components": []}
    settings = eng.runtime.localities.settings(app.locality)
    locality_name = eng.runtime.localities.require(app.locality).name
    title = (settings.get("application") or {}).get("form_title") or f"{locality_name}“退休一件事”申请表"
    data = app.data or {}
    components = list(fields_of(form))
    rows = []
    for c in components:
        if c.get("key") in SHOWN_ELSEWHERE or c.get("type") in ("text", "button", "spacer", "separator") \
                or is_hidden(c, data):
            continue
        rows.append((c.get("label") or c["key"], _shown(c, data.get(c["key"]))))
        if c.get("key") == "id_number" and data.get("id_number"):
            born = birth_date_from_id(data["id_number"])
            rows.append(("性别　出生日期", f"{'男' if sex_from_id(data['id_number']) == 'male' else '女'}　"
                                       f"{born.year}年{born.month}月{born.day}日"))
    checklist = next((c for c in components if c.get("key") == "requested_items"), None)
    chosen = data.get("requested_items")
    items = [(v.get("label") or v.get("value"), chosen is None or v.get("value") in chosen)
             for v in (checklist or {}).get("values") or []]
    consent = next((c for c in components if c.get("key") == "consent"), None)
    pledge = (consent or {}).get("label") or "本人承诺所填信息真实"
    words = settings.get("labels") or {}
    channel = ((words.get("zh") or {}).get("channels") or {}).get(app.channel, app.channel)
    created = app.created_at.astimezone(SHANGHAI)
    acceptance = [("受理渠道", channel), ("受理人", app.submitted_by),
                  ("受理日期", f"{created.year}年{created.month}月{created.day}日"),
                  ("业务编号", app.business_key)]
    return application_form_pdf(title, rows, items, pledge, acceptance)


def may_read_application(session, app: Application) -> bool:
    """An admin or auditor of the subtree; the intake that filed it (its channel is one of the caller's); a
    department that works on the case."""
    p = current()
    if p.role in ("admin", "auditor"):
        return True
    if app.channel in checks.channels_of(engine().runtime.localities.settings(app.locality), p):
        return True
    return p.role == "clerk" and works_on(session, app.instance_id, p.groups)


@blp.route("/<application_id>/form.pdf")
class ApplicationFormPdf(MethodView):
    @require("admin", "channel", "clerk", "auditor")
    @blp.response(200, content_type="application/pdf", description="申请表 (PDF, one A4 page)")
    @blp.alt_response(403, description="neither the intake that filed it nor a department of the case")
    @blp.alt_response(404, description="no such application in your locality's subtree")
    def get(self, application_id):
        """The filled application form (申请表) to print and sign: the fields as the locality's form words them,
        the joint items asked for, the acceptance; it carries the whole ID number, so every read is audited"""
        from flask import Response

        eng = engine()
        with eng.runtime.transaction() as session:
            app = queries.application_by_id_or_key(session, application_id)
            app = found_in_scope(app, app.locality if app else None, "申请", application_id)
            if not may_read_application(session, app):
                abort(403, message="只有受理该申请的渠道和办理本案的部门可以打印申请表 (only the intake that filed it and "
                                   "the departments of the case may print the application form)")
            audit(session, current().username, "read_whole", "application", app.id, view="form.pdf")
            content = form_document(eng, session, app)
        return Response(content, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="application-{app.business_key}.pdf"',
            "Cache-Control": "no-store"})


@blp.route("/<application_id>/progress")
class ApplicationProgress(MethodView):
    @require("admin", "channel", "clerk", "auditor", session=TRANSACTION)
    @blp.response(200, Progress)
    def get(self, application_id):
        """Each joint item with its department, state and result, and what is expected next"""
        eng, session = engine(), request_session()
        app = queries.application_by_id_or_key(session, application_id)
        app = found_in_scope(app, app.locality if app else None, "申请", application_id)
        audit(session, current().username, "read", "application_progress", app.id)
        return queries.application_progress(eng.runtime, session, app)
