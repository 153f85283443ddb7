"""Messages correlated by business key (e.g. Jilin's formal launch from 吉事办)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth import check_scope, current, require
from ..schemas import MessageRequest, MessageResponse
from .common import engine

blp = Blueprint("messages", __name__, url_prefix="/api/messages", description="Messages")


@blp.route("")
class Messages(MethodView):
    @require("admin", "channel", "clerk")
    @blp.arguments(MessageRequest)
    @blp.response(200, MessageResponse)
    @blp.alt_response(404, description="no instance waits for that message and business key")
    def post(self, body):
        """Deliver message `name` with a business key and payload to the waiting instance(s)"""
        eng = engine()
        locality = body.get("locality") or current().locality
        check_scope(eng, locality, "locality")
        ids = eng.deliver_message(body["name"], body["business_key"], body["payload"], locality=locality,
                                  actor=current().username)
        return {"delivered_to": ids}
