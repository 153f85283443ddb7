"""The intake clerk types an ID number and sees whose it is: the roster's person, the statutory retirement date
and how the tables derive it, the locality's application window, a running case if there is one, and the
application form's fields filled from the roster. The whole name shown is an audited read."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields

from engine import case_queries, queries
from engine.clock import SHANGHAI
from handlers.localities import contains
from handlers.personal import id_number_problem, mask_id, mask_phone, normalise_id, sex_from_id

from ..auth import current, require
from ..schemas import Ordered
from . import application_checks as checks
from .case_search import born_on
from .common import audit, engine
from .retirement_facts import statutory, window

blp = Blueprint("person_lookup", __name__, url_prefix="/api/persons", description="Insured-person roster")

NOT_ON_ROSTER = ("该身份证号码不在本地参保人员名单中，请核对号码或先由人社部门导入名单 (the person is not on the "
                 "insured-person roster of your locality)")


class LookupIn(Ordered):
    id_number = fields.String(required=True, metadata={"description": "公民身份号码 (18 characters)",
                                                       "example": "340722196612040110"})


class LookupPerson(Ordered):
    name = fields.String()
    id_number_masked = fields.String()
    birth_date = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    phone_masked = fields.String(allow_none=True)
    phone_valid = fields.Boolean(allow_none=True)
    employer = fields.String(allow_none=True)
    flexible = fields.Boolean(allow_none=True)
    county = fields.String(allow_none=True)


class Statutory(Ordered):
    retirement_date = fields.String(allow_none=True)
    retirement_month = fields.String(allow_none=True)
    derivation = fields.String(allow_none=True)


class Window(Ordered):
    opens = fields.String(allow_none=True)
    closes = fields.String(allow_none=True)
    open_now = fields.Boolean()
    message = fields.String()


class RunningCase(Ordered):
    business_key = fields.String()
    instance_id = fields.String()


class LookupOut(Ordered):
    locality = fields.String()
    locality_name = fields.String()
    person = fields.Nested(LookupPerson)
    statutory = fields.Nested(Statutory)
    window = fields.Nested(Window)
    running_case = fields.Nested(RunningCase, allow_none=True)
    prefill = fields.Dict(metadata={"description": "application form field → value from the roster"})


def case_locality(eng, county: str | None) -> str | None:
    """The deepest locality of the tree that holds the person's county (the national root excepted)."""
    found = [c for c in eng.runtime.localities.all() if c != "000000" and county and contains(c, county)]
    return max(found, key=lambda c: len(eng.runtime.localities.chain(c)), default=None)


def intake_only(eng) -> None:
    p = current()
    if p.role != "admin" and not checks.channels_of(eng.runtime.localities.settings(p.locality), p):
        abort(403, message="只有受理退休申请的经办人员可以查询参保人 (only accounts that take applications — community, "
                           "township, agency, employer, the platforms — may look a person up)")


def prefill(form: dict | None, person: dict, channel: str | None) -> dict:
    values = {"name": person.get("name"), "id_number": person.get("id_number"), "phone": person.get("phone"),
              "category": person.get("category") if person.get("sex") == "female" else None,
              "employer_name": person.get("employer"), "address": person.get("hukou_address"),
              "channel": channel, "retirement_type": "normal", "retirement_choice": "statutory"}
    keys = {c.get("key") for c in queries_fields(form)}
    return {k: v for k, v in values.items() if k in keys and v not in (None, "")}


def queries_fields(form: dict | None) -> list[dict]:
    from engine.forms import fields_of

    return list(fields_of(form)) if form else []


@blp.route("/lookup")
class Lookup(MethodView):
    @require("admin", "channel", "clerk")
    @blp.arguments(LookupIn)
    @blp.response(200, LookupOut)
    @blp.alt_response(404, description="不在本地参保人员名单中 (not on the roster of your locality)")
    @blp.alt_response(422, description="身份证号码不正确 (the ID number is not valid)")
    def post(self, body):
        """Look a person up by ID number before filing: the roster's person (whole name: an audited read), the
        statutory retirement date with its derivation and the application window from the locality's decision
        tables and settings, the running case if any, and the application form's fields filled from the roster.
        For the accounts that take applications (community, township, agency, employer, the platforms)."""
        eng = engine()
        intake_only(eng)
        id_number = normalise_id(body["id_number"])
        problem = id_number_problem(id_number)
        if problem:
            from engine.errors import InvalidInput

            raise InvalidInput("身份证号码不正确 (the ID number is not valid)",
                               errors={"id_number": [f"身份证号码{problem}"]})
        person = eng.runtime.ports.roster.get(id_number)
        p = current()
        locality = case_locality(eng, (person or {}).get("locality"))
        if person is None or locality is None or not checks.within(p.locality, person.get("locality")) \
                or not p.sees(eng, locality):
            abort(404, message=NOT_ON_ROSTER)
        settings = eng.runtime.localities.settings(locality)
        born = born_on(person, id_number)
        category = person.get("category") or ("male" if sex_from_id(id_number) == "male" else None)
        today = eng.runtime.now().astimezone(SHANGHAI).date()
        with eng.runtime.transaction() as session:
            form = queries.form_for(eng.runtime, session, "application_form", locality)
            facts = statutory(eng, locality, category, born, form)
            variables = {"category": category, "sex": person.get("sex"), "birth_date_id_card": born.isoformat()}
            dates = checks.retirement_dates(eng, locality, variables, person)
            running = case_queries.running_case(session, locality, id_number)
            audit(session, p.username, "read_whole", "person", mask_id(id_number), locality=locality,
                  view="lookup", fields=["name"])
        channels = checks.channels_of(settings, p) if p.role != "admin" else ["online"]
        return {"locality": locality, "locality_name": eng.runtime.localities.require(locality).name,
                "person": {"name": person.get("name"), "id_number_masked": mask_id(id_number),
                           "birth_date": born.isoformat(), "gender": person.get("sex"), "category": category,
                           "phone_masked": mask_phone(person.get("phone")) if person.get("phone") else None,
                           "phone_valid": person.get("phone_valid"), "employer": person.get("employer"),
                           "flexible": person.get("flexible"), "county": person.get("locality")},
                "statutory": {"retirement_date": facts["retirement_date"],
                              "retirement_month": facts["retirement_month"], "derivation": facts["derivation"]},
                "window": window(settings, dates, today),
                "running_case": {"business_key": running.business_key, "instance_id": running.id} if running else None,
                "prefill": prefill(form, person, channels[0] if channels else None)}
