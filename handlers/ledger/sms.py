"""Ledger SMS gateway: the outbox. A phone the roster marks invalid (or a malformed one) is undeliverable."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from .. import ports
from ..personal import is_valid_phone
from .schema import persons, sms_outbox

CHUNK = 500


class LedgerSms(ports.SmsGateway):
    def __init__(self, db: sa.Engine):
        self.db = db

    def send_many(self, messages):
        messages = list(messages)
        try:
            return self._send(messages)
        except sa.exc.IntegrityError:  # a concurrent run stored some of them first: read theirs
            return self._send(messages)

    def _send(self, messages):
        results = {}
        with self.db.begin() as conn:
            for start in range(0, len(messages), CHUNK):
                chunk = messages[start:start + CHUNK]
                keys = [m["idempotency_key"] for m in chunk]
                stored = conn.execute(sa.select(sms_outbox.c.idempotency_key, sms_outbox.c.status,
                                                sms_outbox.c.created_at)
                                      .where(sms_outbox.c.idempotency_key.in_(keys))).all()
                results.update({r.idempotency_key: {"status": r.status, "created_at": r.created_at} for r in stored})
                new = list({m["idempotency_key"]: m for m in chunk if m["idempotency_key"] not in results}.values())
                unreachable = self._unreachable(conn, {m["phone"] for m in new})
                wall = datetime.now(timezone.utc)
                rows = [{"idempotency_key": m["idempotency_key"], "business_key": m.get("business_key"),
                         "template": m.get("template"), "phone": m["phone"], "text": m["text"],
                         "text_masked": m.get("masked_text"), "created_at": m.get("sent_at") or wall,
                         "status": "sent" if is_valid_phone(m["phone"]) and m["phone"] not in unreachable
                         else "undeliverable"} for m in new]
                if rows:
                    conn.execute(sms_outbox.insert(), rows)
                results.update({r["idempotency_key"]: {"status": r["status"], "created_at": r["created_at"]}
                                for r in rows})
        return [dict(results[m["idempotency_key"]], idempotency_key=m["idempotency_key"]) for m in messages]

    @staticmethod
    def _unreachable(conn, phones: set[str]) -> set[str]:
        if not phones:
            return set()
        query = sa.select(persons.c.phone).where(persons.c.phone.in_(sorted(phones)) & persons.c.phone_valid.is_(False))
        return set(conn.execute(query).scalars())

