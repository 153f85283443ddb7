"""The applicant's own page, without login: the progress of their one case, opened from the link in their SMS
(a signed, expiring token bound to the case) or by the business key plus the last six characters of their ID
number. It shows the joint items, what happens next, by whom and by when, the rights notice, the only-child
reward's policy and channel, and the retirement certificate once approved — nothing else of the person.

Unknown key and wrong tail answer the same 404 (no oracle); tries are limited per address and wrong tails per
business key (flask-limiter, 429). Every read is audited."""
from __future__ import annotations

import hmac

from flask import current_app, request
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort
from marshmallow import fields, validate, validates_schema, ValidationError

from engine import case_queries, progress_next, queries
from engine.clock import SHANGHAI
from engine.errors import EngineError
from engine.store.models import Instance
from handlers import progress_link

from ..documents_pdf import certificate_pdf
from ..schemas import Ordered
from .case_labels import CaseWords, joint_items
from .common import audit, engine
from .documents import CASE_FIELDS, _pdf

blp = Blueprint("public", __name__, url_prefix="/api/public", description="The applicant's own page (no login)")

NOT_FOUND = ("未查到该办件，请核对业务编号和身份证号码后六位，或使用短信中的链接 (no case matches: check the business key "
             "and the last six characters of the ID number, or use the link in the SMS)")
EXPIRED = ("链接已过期，请用业务编号和身份证号码后六位查询 (the link has expired: look the case up with its business key "
           "and the last six characters of the ID number)")
BUSY = "查询过于频繁，请稍后再试 (too many requests from this address; try again later)"
LOCKED = ("该业务编号核对失败次数过多，请一小时后再试或使用短信中的链接 (too many wrong tries for this business key; "
          "try again in an hour or use the link in the SMS)")
NOT_APPROVED = "退休尚未审批，暂无退休证明 (the retirement is not approved yet)"


@blp.record_once
def _limit_tries(state):
    """The login limiter of this app (api/views/tokens.py) also counts the applicant page's tries."""
    app, cfg = state.app, state.app.config
    limiter = app.extensions["retire_login_limiter"]
    app.extensions["retire_limited_blueprints"].add(blp.name)
    limiter.limit(cfg["PUBLIC_LIMIT_PER_IP"], error_message=BUSY, scope="public_per_ip")(blp)
    limiter.limit(cfg["PUBLIC_LOCKOUT_PER_CASE"], key_func=_case_key, error_message=LOCKED, scope="public_per_case",
                  exempt_when=_not_a_tail_try, deduct_when=lambda response: response.status_code == 404)(blp)


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _case_key() -> str:
    return f"case:{str(_body().get('business_key') or '').strip()[:120]}"


def _not_a_tail_try() -> bool:
    return request.endpoint != "public.Progress" or not _body().get("business_key")


class ProgressIn(Ordered):
    token = fields.String(validate=validate.Length(max=400), metadata={"description": "the t= of the SMS link"})
    business_key = fields.String(validate=validate.Length(max=120), metadata={"example": "340722-20270506-1A2B3C"})
    id_tail = fields.String(validate=validate.Length(max=6), metadata={
        "description": "the last six characters of the applicant's ID number", "example": "04011X"})

    @validates_schema
    def _one_way(self, data, **_kw):
        if not data.get("token") and not (data.get("business_key") and data.get("id_tail")):
            raise ValidationError("请使用短信中的链接，或输入业务编号和身份证号码后六位 (give the token of the SMS link, or the "
                                  "business key and the last six characters of the ID number)", "token")


class PublicNextOut(Ordered):
    what = fields.String()
    who = fields.String(allow_none=True)
    by = fields.String(allow_none=True)
    text = fields.String(allow_none=True, metadata={"description": "the step in the model's own words (a task's "
                         "progress_text, e.g. 请于2027-06-21到…办理), shown instead of who and by"})


class PublicItem(Ordered):
    item = fields.String()
    item_name = fields.String()
    department_name = fields.String(allow_none=True)
    state = fields.String()
    state_label = fields.String()
    result_text = fields.String(allow_none=True)
    next = fields.Nested(PublicNextOut, allow_none=True)


class Notice(Ordered):
    title = fields.String()
    text = fields.String()


class OnlyChild(Ordered):
    policy = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    procedure = fields.String(allow_none=True)


class PublicProgress(Ordered):
    business_key = fields.String()
    locality_name = fields.String()
    state = fields.String()
    state_label = fields.String()
    items = fields.List(fields.Nested(PublicItem))
    next = fields.List(fields.Nested(PublicNextOut))
    rights_notice = fields.Nested(Notice, allow_none=True)
    only_child = fields.Nested(OnlyChild, allow_none=True)
    certificate_url = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class CertificateArgs(Ordered):
    token = fields.String(required=True, validate=validate.Length(max=400))


def _by_token(session, eng, token: str):
    """The case a valid token opens; 410 for an expired one, the generic 404 for anything else."""
    try:
        business_key, prefix = progress_link.read(token, eng.runtime.now(), _max_days(eng, token),
                                                  secret=current_app.config["SECRET_KEY"])
    except progress_link.LinkRefused as exc:
        abort(410 if exc.expired else 404, message=EXPIRED if exc.expired else NOT_FOUND)
    app = case_queries.application_by_key(session, business_key)
    if app is None or not app.instance_id.startswith(prefix):
        abort(404, message=NOT_FOUND)
    try:   # the case's own locality may keep its links for a shorter time
        progress_link.read(token, eng.runtime.now(), _token_days(eng, app.locality),
                           secret=current_app.config["SECRET_KEY"])
    except progress_link.LinkRefused:
        abort(410, message=EXPIRED)
    return app


def _max_days(eng, token: str) -> int:
    """The longest validity of any locality (the token's own locality is checked once it is read)."""
    return max(_token_days(eng, c) for c in eng.runtime.localities.all())


def _token_days(eng, locality: str) -> int:
    """How long the locality's progress links stay valid: settings public.progress_token_days (the national
    settings give every locality one)."""
    return int(eng.runtime.localities.settings(locality)["public"]["progress_token_days"])


def _by_tail(session, business_key: str, tail: str):
    app = case_queries.application_by_key(session, business_key.strip())
    expected = (app.id_number[-6:] if app else "000000").upper()
    if not hmac.compare_digest(expected.encode(), tail.strip().upper().encode()) or app is None:
        abort(404, message=NOT_FOUND)
    return app


def _day(value) -> str | None:
    return value.astimezone(SHANGHAI).date().isoformat() if value else None


def _result_text(item: dict, words: CaseWords) -> str | None:
    english = words.language == "en"
    when = _day(item.get("completed_at"))
    if item["state"] == "done":
        return (f"done on {when}" if english else f"已于{when}办结") if when else item["state_label"]
    if item["state"] == "rejected":
        result = item.get("result") or {}
        note = result.get("approval_note")   # or the reason a department ended its item with (a no-show's, …)
        reasons = [v.get("reason") for v in result.values() if isinstance(v, dict)]
        reason = next((r for r in [note, *reasons] if isinstance(r, str) and r), None)
        return (f"refused: {reason}" if english else f"未通过：{reason}") if reason else item["state_label"]
    if item["state"] in ("not_requested", "not_applicable"):
        return item["state_label"]
    return None


def _item_next(item: dict, tasks, words: CaseWords, running: bool, texts: dict) -> dict | None:
    if not running or item["state"] not in ("pending", "in_progress"):
        return None
    english = words.language == "en"
    for t in tasks:
        if t.item == item["item"]:
            return {"what": t.name, "who": words.department(t.candidate_groups) or item["department_name"],
                    "by": _day(t.due_at), "text": None if english else texts.get(t.id)}
    if item["state"] == "pending":
        return {"what": "waits for the steps before it" if english else "待前序环节办结后办理",
                "who": item["department_name"], "by": None}
    return {"what": "being handled" if english else "正在办理", "who": item["department_name"], "by": None}


def progress_view(session, eng, app, token_for_links: str) -> dict:
    row = queries.instance(session, app.instance_id)
    if row is None:
        abort(404, message=NOT_FOUND)
    settings = eng.runtime.localities.settings(row.locality)
    words = CaseWords(settings)
    running = row.status == "running"
    tasks = case_queries.open_tasks_of(session, row.id)
    texts = progress_next.task_texts(eng.runtime, session, row, tasks, eng.runtime.process_spec(session, row)) \
        if running and tasks else {}
    items = []
    for item in joint_items(words, case_queries.items_of(session, row.id), row.status):
        items.append({"item": item["item"], "item_name": item["item_name"],
                      "department_name": item["department_name"], "state": item["state"],
                      "state_label": item["state_label"], "result_text": _result_text(item, words),
                      "next": _item_next(item, tasks, words, running, texts)})
    steps = []
    if running:
        jobs_subs = queries.instance_detail(session, row)
        for step in queries.next_steps(eng.runtime, session, row, tasks, jobs_subs["jobs"], jobs_subs["subscriptions"],
                                       texts):
            steps.append({"what": step["name"] or words.next_kind(step["type"]), "who": step["department"],
                          "by": _day(step["due"]),
                          "text": None if words.language == "en" else step.get("text")})
    public = settings.get("public") or {}
    notice = public.get("rights_notice")
    only_child = None
    if any(i["item"] == "only_child_reward" for i in items):
        shown = (settings.get("item_notices") or {}).get("only_child_reward") or {}
        health = settings.get("health") or {}
        only_child = {"policy": shown.get("policy"), "channel": shown.get("channel")
                      or health.get("only_child_reward_channel"), "procedure": shown.get("procedure")}
    certificate = None
    try:
        approval = (queries.variables_of(eng.runtime, session, row).get("approval") or {})
    except EngineError:
        approval = {}
    if approval.get("approval_no"):
        certificate = f"/api/public/certificate.pdf?token={token_for_links}"
    return {"business_key": app.business_key, "locality_name": eng.runtime.localities.require(row.locality).name,
            "state": row.status, "state_label": words.case_state(row.status), "items": items, "next": steps,
            "rights_notice": {"title": notice.get("title", ""), "text": notice.get("text", "")} if notice else None,
            "only_child": only_child, "certificate_url": certificate, "updated_at": row.updated_at}


@blp.route("/progress")
class Progress(MethodView):
    @blp.arguments(ProgressIn)
    @blp.response(200, PublicProgress)
    @blp.alt_response(404, description="no case matches (the same answer for an unknown key and a wrong tail)")
    @blp.alt_response(410, description="the link has expired")
    @blp.alt_response(429, description="too many tries from this address, or wrong tails for this business key")
    @blp.doc(security=[])
    def post(self, body):
        """The applicant's progress, without login: by the token of the SMS link, or by business key plus the
        last six characters of the ID number. Each joint item with its department, state, result and what happens
        next (by whom, by when), the rights notice, the only-child reward's policy and channel, and the
        retirement certificate's link once approved; nothing else of the person."""
        eng = engine()
        with eng.runtime.transaction() as session:
            if body.get("token"):
                app, how = _by_token(session, eng, body["token"]), "token"
                token = body["token"]
            else:
                app, how = _by_tail(session, body["business_key"], body["id_tail"]), "id_tail"
                token = progress_link.issue(app.business_key, app.instance_id, eng.runtime.now(),
                                            secret=current_app.config["SECRET_KEY"])
            view = progress_view(session, eng, app, token)
            audit(session, "applicant", "read", "public_progress", app.id, locality=app.locality,
                  instance_id=app.instance_id, how=how, address=get_remote_address())
        return view


@blp.route("/certificate.pdf")
class PublicCertificate(MethodView):
    @blp.arguments(CertificateArgs, location="query")
    @blp.response(200, content_type="application/pdf", description="退休证明 (PDF)")
    @blp.alt_response(404, description="no case matches the token")
    @blp.alt_response(409, description="the retirement is not approved yet")
    @blp.alt_response(410, description="the link has expired")
    @blp.doc(security=[])
    def get(self, args):
        """The applicant's retirement certificate (退休证明), from the link on their progress page, once approved"""
        eng = engine()
        with eng.runtime.transaction() as session:
            app = _by_token(session, eng, args["token"])
            row = queries.instance(session, app.instance_id)
            variables = queries.variables_of(eng.runtime, session, row)
            case = {**{k: variables.get(k) for k in CASE_FIELDS}, "business_key": row.business_key,
                    "locality_name": eng.runtime.localities.require(row.locality).name}
            if not (case["approval"] or {}).get("approval_no"):
                abort(409, message=NOT_APPROVED)
            audit(session, "applicant", "read", "retirement_certificate", row.id, locality=row.locality,
                  instance_id=row.id, how="token", address=get_remote_address())
        return _pdf(certificate_pdf(case), f"retirement-certificate-{case['business_key']}.pdf")
