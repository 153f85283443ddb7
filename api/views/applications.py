"""The one application (申请表) of one person, and the applicant's view of its progress."""
from __future__ import annotations

import secrets
import uuid

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields

from engine import queries, records
from engine.clock import SHANGHAI
from engine.errors import InvalidInput
from engine.forms import defaults_of, validate_submission
from engine.instances import PersonHasRunningCase
from engine.store.models import Application
from handlers.personal import birth_date_from_id, masked, normalise_id, sex_from_id

from ..auth import check_scope, current, require
from ..schemas import Ordered
from . import application_checks as checks
from .common import audit, engine
from .scope import found_in_scope

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
        raise InvalidInput("1 field(s) are not valid", errors={
            "category": ["女职工须选择原法定退休年龄类别: female_cadre (原55周岁) 或 female_worker (原50周岁)"]})
    return variables


FLEXIBLE_CHOICES = checks.FLEXIBLE_CHOICES


def check_flexible_request(eng, locality: str, variables: dict) -> None:
    """Pre-check an early or deferred retirement date with the locality's decision tables, before the case starts.

    What needs the department's records (contributions) or the employer (written notice, agreement) is decided
    in the case; a request the tables already refuse is a 422 on ``requested_retirement_month``.
    """
    if variables.get("retirement_choice") not in FLEXIBLE_CHOICES:
        return
    statutory = eng.decide("statutory_retirement_age", locality, variables)
    window = eng.decide("flexible_retirement_window", locality, {
        **variables, "retirement_age_months": statutory["retirement_age_months"],
        "contribution_months": None, "minimum_months": None})
    verdict = eng.decide("flexible_retirement_request", locality, {
        **variables, "statutory": statutory, "flex_window": window, "notice_date": None,
        "employer_decision": None, "agreement_date": None})
    if verdict["outcome"] == "rejected":
        raise InvalidInput("1 field(s) are not valid", errors={"requested_retirement_month": [verdict["reason"]]})


def _conflict(business_key: str | None):
    abort(409, message=f"该参保人已有正在办理的退休一件事（业务编号 {business_key}），不能重复申请; "
                      f"this person already has a running retirement case {business_key}",
          errors={"json": {"id_number": [f"已有正在办理的退休一件事：{business_key}"]}}, business_key=business_key)


@blp.route("")
class Applications(MethodView):
    @require("admin", "channel", "clerk")
    @blp.arguments(ApplicationIn)
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
        settings = eng.settings(locality)
        rules = settings.get("application") or {}
        channel = checks.resolve_channel(settings, current(), (body["data"] or {}).get("channel"))
        with eng.reading() as session:
            form = queries.form_for(eng, session, "application_form", locality)
        if form is None:
            abort(404, message=f"no application form is deployed for locality {locality}")
        data = validate_submission(form, {**defaults_of(form), **body["data"], "channel": channel})
        data["id_number"] = normalise_id(data["id_number"])  # one person, one key: a lower-case x is the same X
        variables = application_variables(data)
        person = checks.check_person(eng.ports.roster, locality, eng.locality(locality).name, current().locality,
                                     data["id_number"])
        check_flexible_request(eng, locality, variables)
        today = eng.now().astimezone(SHANGHAI).date()
        dates = checks.retirement_dates(eng, locality, variables, person)
        checks.check_plausible(rules, variables, dates, today)
        checks.check_window(rules, variables, dates, today)
        checks.check_online(rules, channel, person)
        running = eng.running_case_of(locality, data["id_number"])
        if running:
            _conflict(running)
        now = eng.now()
        business_key = f"{locality}-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"
        try:
            with eng.transaction() as session:
                instance_id = eng.start(body["process"], locality, business_key, variables, current().username,
                                        session=session, person_key=data["id_number"])
                app = Application(id=str(uuid.uuid4()), business_key=business_key, instance_id=instance_id,
                                  locality=locality, locality_path=eng.locality_path(locality),
                                  id_number=data["id_number"], name=data.get("name", ""),
                                  channel=channel, data=data, submitted_by=current().username,
                                  created_at=now)
                records.add(session, app)
        except PersonHasRunningCase:  # lost the race to a simultaneous application: the database decided
            _conflict(eng.running_case_of(locality, data["id_number"]))
        return {**{c: getattr(app, c) for c in ("id", "business_key", "instance_id", "locality", "channel",
                                                "created_at")}, "applicant": masked(data)}

    @require("admin", "channel", "clerk", "auditor")
    @blp.response(200, ApplicationOut(many=True))
    def get(self):
        """Recent applications in your locality (personal data masked)"""
        with engine().reading() as session:
            rows = queries.recent_applications(session, current().scope_like, 200)
            return [{**{c: getattr(a, c) for c in ("id", "business_key", "instance_id", "locality", "channel",
                                                    "created_at")}, "applicant": masked(a.data)} for a in rows]


@blp.route("/<application_id>/progress")
class ApplicationProgress(MethodView):
    @require("admin", "channel", "clerk", "auditor")
    @blp.response(200, Progress)
    def get(self, application_id):
        """Each joint item with its department, state and result, and what is expected next"""
        eng = engine()
        with eng.transaction() as session:
            app = queries.application_by_id_or_key(session, application_id)
            app = found_in_scope(app, app.locality if app else None, "申请", application_id)
            audit(session, current().username, "read", "application_progress", app.id)
            return queries.application_progress(eng, session, app)
