"""The SMS outbox, filtered by business key; phones masked."""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from handlers.ledger.schema import sms_outbox
from handlers.personal import mask_phone

from ..auth import require
from ..schemas import NotificationList, PageArgs
from .common import engine

blp = Blueprint("notifications", __name__, url_prefix="/api/notifications", description="Notification outbox")


class NotificationArgs(PageArgs):
    business_key = fields.String()


@blp.route("")
class Notifications(MethodView):
    @require("admin", "clerk", "auditor", "channel")
    @blp.arguments(NotificationArgs, location="query")
    @blp.response(200, NotificationList)
    def get(self, args):
        """SMS written to the outbox, newest first (phones and the personal data in each text masked)"""
        q = sa.select(sms_outbox)
        if args.get("business_key"):
            q = q.where(sms_outbox.c.business_key == args["business_key"])
        with engine().db.connect() as conn:
            total = conn.scalar(sa.select(sa.func.count()).select_from(q.subquery()))
            rows = conn.execute(q.order_by(sms_outbox.c.id.desc()).limit(args["page_size"])
                                .offset((args["page"] - 1) * args["page_size"])).mappings().all()
        return {"total": total, "items": [
            {"id": r["id"], "business_key": r["business_key"], "template": r["template"],
             "phone": mask_phone(r["phone"]), "text": r["text_masked"] or "（含个人信息，不在列表中显示）",
             "status": r["status"],
             "created_at": r["created_at"].isoformat() if r["created_at"] else None} for r in rows]}
