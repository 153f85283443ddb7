"""Messages correlated by business key (e.g. Jilin's formal launch from 吉事办).

Each message is accepted only from the party its locality names in settings.yaml (``message_senders``:
message name → roles and department groups); every refusal is a 403 with the reason."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine import queries

from ..auth import check_scope, current, require
from ..schemas import MessageRequest, MessageResponse
from .common import engine
from .scope import found_in_scope

blp = Blueprint("messages", __name__, url_prefix="/api/messages", description="Messages")


def may_send(settings: dict, principal, name: str) -> bool:
    if principal.role == "admin":
        return True
    senders = (settings.get("message_senders") or {}).get(name) or {}
    return principal.role in (senders.get("roles") or []) or bool(
        set(principal.groups or []) & set(senders.get("groups") or []))


def case_localities(eng, business_key: str, locality: str | None) -> list[str]:
    """The localities of the running cases with this business key (under ``locality`` when given)."""
    with eng.runtime.reading() as session:
        return queries.running_case_localities(session, business_key, locality)


@blp.route("")
class Messages(MethodView):
    @require("admin", "channel", "clerk")
    @blp.arguments(MessageRequest)
    @blp.response(200, MessageResponse)
    @blp.alt_response(403, description="the caller is not the party that sends this message, or the case is "
                                       "outside the caller's locality")
    @blp.alt_response(404, description="no instance waits for that message and business key")
    def post(self, body):
        """Deliver message `name` with a business key and payload to the waiting instance(s)"""
        eng = engine()
        locality = body.get("locality") or current().locality
        check_scope(eng, locality, "locality")
        name = body["name"]
        for case_locality in case_localities(eng, body["business_key"], locality):
            found_in_scope(case_locality, case_locality, "等待该消息的案件", body["business_key"])
            if not may_send(eng.runtime.localities.settings(case_locality), current(), name):
                abort(403, message=f"消息“{name}”只能由{_senders_text(eng.runtime.localities.settings(case_locality), name)}发送，"
                                   f"本账户不能发送; the message {name} is not accepted from this account "
                                   f"(role {current().role}, groups {', '.join(current().groups) or '-'})")
        ids = eng.deliver_message(name, body["business_key"], body["payload"], locality=locality,
                                  actor=current().username)
        return {"delivered_to": ids}


def _senders_text(settings: dict, name: str) -> str:
    senders = (settings.get("message_senders") or {}).get(name) or {}
    parties = [*(senders.get("roles") or []), *(senders.get("groups") or [])]
    return "、".join(parties) if parties else "系统内部（不经接口）"
