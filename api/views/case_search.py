"""Find a case by ID number, name or business key, and read it whole on one page: whose case it is, the retirement
date and how it was derived, the channel, every joint item, the history and the open tasks."""
from __future__ import annotations

import re

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate

from engine import case_queries, queries
from engine.dmn.errors import DecisionInputError, NoMatchingRule
from engine.errors import EngineError
from engine.store.models import Instance
from handlers.months import as_date
from handlers.personal import birth_date_from_id, is_valid_id, mask_id, mask_name, mask_phone, normalise_id

from ..auth import current, require
from ..i18n import lang
from ..schemas import Ordered
from . import application_checks as checks
from .case_labels import CaseWords, joint_items
from .common import audit, engine
from .instances import InstanceReadArgs, may_read_whole
from .retirement_facts import statutory
from .scope import found_in_scope, path_prefix

blp = Blueprint("case_search", __name__, url_prefix="/api/instances", description="Process instances")

_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_KEY_LIKE = re.compile(r"^(?=.*\d)[0-9A-Za-z][0-9A-Za-z_\-]{3,119}$")


class SearchIn(Ordered):
    q = fields.String(required=True, validate=validate.Length(min=1, max=60), metadata={
        "description": "an ID number (18 characters), a business key, or a name (at least two characters; "
                       "matches names that start with it)", "example": "王建国"})


class SearchItem(Ordered):
    instance_id = fields.String()
    business_key = fields.String()
    process_key = fields.String()
    locality = fields.String()
    name_masked = fields.String(allow_none=True)
    id_number_masked = fields.String(allow_none=True)
    state = fields.String()
    state_label = fields.String()
    started_at = fields.DateTime()


class SearchOut(Ordered):
    items = fields.List(fields.Nested(SearchItem))
    limit = fields.Integer()


class PersonOut(Ordered):
    name = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    birth_date = fields.String(allow_none=True)


class RetirementOut(Ordered):
    date = fields.String(allow_none=True)
    derivation = fields.String(allow_none=True)


class JointItemOut(Ordered):
    item = fields.String()
    item_name = fields.String()
    department = fields.String(allow_none=True)
    department_name = fields.String(allow_none=True)
    state = fields.String()
    state_label = fields.String()
    result = fields.Dict()
    completed_at = fields.DateTime(allow_none=True)


class HistoryLine(Ordered):
    at = fields.DateTime()
    what = fields.String()
    by = fields.String(allow_none=True)


class OpenTaskOut(Ordered):
    id = fields.String()
    name = fields.String()
    department_name = fields.String(allow_none=True)
    candidate_groups = fields.List(fields.String())
    assignee = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class SummaryOut(Ordered):
    instance_id = fields.String()
    business_key = fields.String()
    locality = fields.String()
    locality_name = fields.String()
    process_key = fields.String()
    state = fields.String()
    state_label = fields.String()
    whole = fields.Boolean()
    person = fields.Nested(PersonOut)
    retirement = fields.Nested(RetirementOut)
    channel = fields.String(allow_none=True)
    channel_label = fields.String(allow_none=True)
    application_id = fields.String(allow_none=True)
    joint_items = fields.List(fields.Nested(JointItemOut))
    history = fields.List(fields.Nested(HistoryLine))
    open_tasks = fields.List(fields.Nested(OpenTaskOut))


def _search_terms(q: str) -> tuple[str, dict, str]:
    """(kind, the query's keyword arguments, what the audit row keeps: never the whole ID number or name)."""
    q = q.strip()
    if _ID_LIKE.match(q):
        value = normalise_id(q)
        return "id_number", {"id_number": value}, mask_id(value)
    if _KEY_LIKE.match(q):
        return "business_key", {"business_key": q}, q
    if len(q) < 2:
        abort(422, message="按姓名查询至少输入两个字 (a name search needs at least two characters)",
              errors={"json": {"q": ["按姓名查询至少输入两个字 (at least two characters)"]}})
    return "name", {"name": q}, mask_name(q)


def _narrowing(eng) -> dict:
    """A clerk finds the cases their departments work on or their intake channels filed; others their subtree."""
    p = current()
    if p.role != "clerk":
        return {}
    return {"groups": list(p.groups or []), "channels": checks.channels_of(eng.runtime.localities.settings(p.locality), p)}


@blp.route("/search")
class Search(MethodView):
    @require("admin", "policy", "clerk", "channel", "auditor")
    @blp.arguments(SearchIn)
    @blp.response(200, SearchOut)
    def post(self, body):
        """Find cases by ID number, name (prefix) or business key in your locality's subtree, newest first, at most
        20; a clerk finds the cases their departments work on or that their intake channel filed. Names and ID
        numbers are masked; every search is audited (the audit row keeps the query masked)."""
        eng = engine()
        kind, terms, shown = _search_terms(body["q"])
        scope = path_prefix()
        with eng.runtime.transaction() as session:
            rows = case_queries.search_cases(session, scope, **terms, **_narrowing(eng))
            audit(session, current().username, "search", "instance", "search", kind=kind, q=shown, hits=len(rows))
            items = []
            for inst, app in rows:
                words = CaseWords(eng.runtime.localities.settings(inst.locality))
                items.append({"instance_id": inst.id, "business_key": inst.business_key,
                              "process_key": inst.process_key, "locality": inst.locality,
                              "name_masked": mask_name(app.name) if app else None,
                              "id_number_masked": mask_id(app.id_number) if app else None,
                              "state": inst.status, "state_label": words.case_state(inst.status),
                              "started_at": inst.started_at})
        return {"items": items, "limit": case_queries.SEARCH_LIMIT}


def born_on(roster_row: dict | None, id_number: str | None):
    """The birth date on file (人事档案) when the roster has one, else the one in the ID number."""
    born = as_date((roster_row or {}).get("birth_date_file"))
    if born is None and id_number and is_valid_id(id_number):
        born = birth_date_from_id(id_number)
    return born


def _person(app, variables: dict, roster_row: dict | None, whole: bool) -> dict:
    data = (app.data if app else None) or {}
    name = (app.name if app else None) or variables.get("name")
    id_number = (app.id_number if app else None) or variables.get("id_number")
    phone = data.get("phone") or variables.get("phone")
    born = born_on(roster_row, id_number)
    if whole:
        return {"name": name, "id_number": id_number, "phone": phone, "birth_date": born.isoformat() if born else None}
    return {"name": mask_name(name) if name else None, "id_number": mask_id(id_number) if id_number else None,
            "phone": mask_phone(phone) if phone else None, "birth_date": born.isoformat()[:7] if born else None}


def _retirement(eng, row, variables: dict, born, form) -> dict:
    """The case's retirement date (the statutory month when the case has not fixed one) and the tables' derivation."""
    category, case_date = variables.get("category"), variables.get("retirement_date")
    facts = None
    if category and born:
        try:
            facts = statutory(eng, row.locality, category, born, form)
        except (DecisionInputError, NoMatchingRule, EngineError):
            facts = None
    if facts is None:
        return {"date": str(case_date) if case_date else None, "derivation": None}
    derivation = facts["derivation"]
    if case_date and str(case_date)[:7] != facts["retirement_month"]:
        derivation += ("; this case retires on another date (flexible or early retirement)" if lang() == "en"
                       else "；本案退休时间与法定退休时间不同（弹性或提前退休）")
    return {"date": str(case_date or facts["retirement_date"]), "derivation": derivation}


def summary(session, row: Instance, *, whole: bool) -> dict:
    eng = engine()
    settings = eng.runtime.localities.settings(row.locality)
    words = CaseWords(settings)
    app = case_queries.application_of(session, row.id)
    try:
        variables = queries.variables_of(eng.runtime, session, row)
    except EngineError:
        variables = {}
    id_number = (app.id_number if app else None) or variables.get("id_number")
    roster_row = eng.runtime.ports.roster.get(id_number) if id_number else None
    person = _person(app, variables, roster_row, whole)
    form = queries.form_for(eng.runtime, session, "application_form", row.locality)
    channel = (app.channel if app else None) or variables.get("channel")
    history = [{"at": h.at, "what": words.history(h.kind) + (f"：{h.activity_name}" if h.activity_name else ""),
                "by": h.actor} for h in case_queries.history_of(session, row.id)]
    tasks = [{"id": t.id, "name": t.name, "department_name": words.department(t.candidate_groups),
              "candidate_groups": list(t.candidate_groups or []), "assignee": t.assignee, "due_at": t.due_at}
             for t in case_queries.open_tasks_of(session, row.id)]
    return {"instance_id": row.id, "business_key": row.business_key, "locality": row.locality,
            "locality_name": eng.runtime.localities.require(row.locality).name, "process_key": row.process_key,
            "state": row.status, "state_label": words.case_state(row.status), "whole": whole, "person": person,
            "retirement": _retirement(eng, row, variables, born_on(roster_row, id_number), form),
            "channel": channel, "channel_label": words.channel(channel) if channel else None,
            "application_id": app.id if app else None,
            "joint_items": joint_items(words, case_queries.items_of(session, row.id), row.status),
            "history": history, "open_tasks": tasks}


@blp.route("/<instance_id>/summary")
class Summary(MethodView):
    @require("admin", "policy", "clerk", "channel", "auditor")
    @blp.arguments(InstanceReadArgs, location="query")
    @blp.response(200, SummaryOut)
    @blp.alt_response(403, description="whole=true by someone whose department does not work on the case")
    @blp.alt_response(404, description="no such case in your locality's subtree")
    def get(self, args, instance_id):
        """Whose case it is (masked unless whole=true, with the need-to-know rule and audit of GET
        /api/instances/{id}?whole=true), the retirement date and how the tables derived it, the channel, each
        joint item with its department and state, the history and the open tasks — labelled in Chinese (English
        with Accept-Language: en)"""
        eng = engine()
        with eng.runtime.transaction() as session:
            row = queries.instance(session, instance_id)
            row = found_in_scope(row, row.locality if row else None, "case", instance_id)
            if args["whole"]:
                if not may_read_whole(session, row):
                    abort(403, message="无权查看完整个人信息：只有办理本案的部门可以查看 (only a department that works on "
                                       "this case may read its personal data whole)")
                audit(session, current().username, "read_whole", "instance", instance_id, locality=row.locality,
                      instance_id=row.id, business_key=row.business_key, view="summary")
            return summary(session, row, whole=args["whole"])
