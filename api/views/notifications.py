"""The SMS outbox of your locality's subtree, filtered by business key; phones and personal data masked."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from engine import queries
from handlers.personal import mask_phone

from ..auth import current, require
from ..schemas import Ordered, PageArgs
from .common import engine
from .scope import path_prefix

blp = Blueprint("notifications", __name__, url_prefix="/api/notifications", description="Notification outbox")


class NotificationArgs(PageArgs):
    business_key = fields.String()


class NotificationOut(Ordered):
    id = fields.Integer()
    business_key = fields.String(allow_none=True)
    template = fields.String(allow_none=True)
    phone = fields.String(metadata={"description": "masked: 138****1234"})
    text = fields.String(metadata={"description": "the text with personal data masked"})
    status = fields.String(metadata={"description": "sent or undeliverable"})
    created_at = fields.String(allow_none=True)


class NotificationList(Ordered):
    total = fields.Integer()
    items = fields.List(fields.Nested(NotificationOut))


@blp.route("")
class Notifications(MethodView):
    @require("admin", "clerk", "auditor", "channel")
    @blp.arguments(NotificationArgs, location="query")
    @blp.response(200, NotificationList)
    def get(self, args):
        """SMS written to the outbox for the cases of your locality's subtree, newest first (phones and the
        personal data in each text masked)"""
        eng = engine()
        at_root = eng.runtime.localities.require(current().locality).parent is None
        with eng.runtime.reading() as session:
            rows, total = queries.outbox(session, path_prefix(), whole_tree=at_root,
                                         business_key=args.get("business_key"), page_no=args["page"],
                                         size=args["page_size"])
        return {"total": total, "items": [
            {"id": r["id"], "business_key": r["business_key"], "template": r["template"],
             "phone": mask_phone(r["phone"]), "text": r["text_masked"] or "（含个人信息，不在列表中显示）",
             "status": r["status"],
             "created_at": r["created_at"].isoformat() if r["created_at"] else None} for r in rows]}
