"""Ledger SMS gateway: the outbox. A phone the roster marks invalid (or a malformed one) is undeliverable."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from .. import ports
from ..personal import is_valid_phone
from .connection import begin, insert_ignoring
from .schema import persons, sms_outbox

CHUNK = 500

_INVALID = persons.c.phone_valid.is_(False)
_UNREACHABLE_ONE = sa.select(persons.c.phone).where((persons.c.phone == sa.bindparam("phone")) & _INVALID)
_UNREACHABLE = sa.select(persons.c.phone).where(persons.c.phone.in_(sa.bindparam("phones", expanding=True))
                                                & _INVALID)
_STORED_COLUMNS = (sms_outbox.c.idempotency_key, sms_outbox.c.status, sms_outbox.c.created_at)
_STORED_ONE = sa.select(*_STORED_COLUMNS).where(sms_outbox.c.idempotency_key == sa.bindparam("key"))
_STORED = sa.select(*_STORED_COLUMNS).where(sms_outbox.c.idempotency_key.in_(sa.bindparam("keys", expanding=True)))


_ROW_COLUMNS = ("idempotency_key", "business_key", "template", "phone", "text", "text_masked", "created_at")
_SEND_ONE: dict[str, sa.Insert] = {}


def _send_one(conn) -> sa.Insert:
    """One message in one statement: INSERT … SELECT the row with its status (sent, unless the phone is malformed
    or the roster marks it invalid) … ON CONFLICT DO NOTHING RETURNING the status (built once per dialect)."""
    found = _SEND_ONE.get(conn.dialect.name)
    if found is None:
        invalid_on_roster = sa.exists().where((persons.c.phone == sa.bindparam("m_phone")) & _INVALID)
        status = sa.case((sa.bindparam("valid", type_=sa.Boolean) & ~invalid_on_roster, "sent"),
                         else_="undeliverable")
        row = sa.select(*(sa.bindparam(f"m_{c}", type_=sms_outbox.c[c].type) for c in _ROW_COLUMNS),
                        status).where(sa.true())   # SQLite: an INSERT … SELECT with ON CONFLICT needs a WHERE
        found = _SEND_ONE[conn.dialect.name] = insert_ignoring(conn, sms_outbox, sms_outbox.c.status).from_select(
            [*_ROW_COLUMNS, "status"], row)
    return found


class LedgerSms(ports.SmsGateway):
    def __init__(self, db: sa.Engine):
        self.db = db

    def send_many(self, messages):
        """Each message once per idempotency key: a key stored before (by an earlier or a concurrent run)
        keeps its stored status and time."""
        messages = list(messages)
        results = {}
        with begin(self.db) as conn:
            for start in range(0, len(messages), CHUNK):
                results.update(self._send_chunk(conn, messages[start:start + CHUNK]))
        return [dict(results[m["idempotency_key"]], idempotency_key=m["idempotency_key"]) for m in messages]

    def _send_chunk(self, conn, chunk) -> dict:
        new = list({m["idempotency_key"]: m for m in chunk}.values())
        if len(new) == 1:
            return self._send_single(conn, new[0])
        unreachable = _unreachable(conn, {m["phone"] for m in new})
        wall = datetime.now(timezone.utc)
        rows = [{"idempotency_key": m["idempotency_key"], "business_key": m.get("business_key"),
                 "template": m.get("template"), "phone": m["phone"], "text": m["text"],
                 "text_masked": m.get("masked_text"), "created_at": m.get("sent_at") or wall,
                 "status": "sent" if is_valid_phone(m["phone"]) and m["phone"] not in unreachable
                 else "undeliverable"} for m in new]
        insert = insert_ignoring(conn, sms_outbox, sms_outbox.c.idempotency_key)
        inserted = set(conn.execute(insert, rows[0] if len(rows) == 1 else rows).scalars())
        results = {r["idempotency_key"]: {"status": r["status"], "created_at": r["created_at"]}
                   for r in rows if r["idempotency_key"] in inserted}
        stored_before = [r["idempotency_key"] for r in rows if r["idempotency_key"] not in inserted]
        results.update(_stored(conn, stored_before))
        return results


    @staticmethod
    def _send_single(conn, m) -> dict:
        key, created_at = m["idempotency_key"], m.get("sent_at") or datetime.now(timezone.utc)
        values = {"idempotency_key": key, "business_key": m.get("business_key"), "template": m.get("template"),
                  "phone": m["phone"], "text": m["text"], "text_masked": m.get("masked_text"), "created_at": created_at}
        status = conn.execute(_send_one(conn), {**{f"m_{c}": v for c, v in values.items()},
                                                "valid": is_valid_phone(m["phone"])}).scalar()
        if status is None:   # stored before (or by a concurrent run): theirs
            return _stored(conn, [key])
        return {key: {"status": status, "created_at": created_at}}


def _unreachable(conn, phones: set[str]) -> set[str]:
    if not phones:
        return set()
    if len(phones) == 1:
        return set(conn.execute(_UNREACHABLE_ONE, {"phone": next(iter(phones))}).scalars())
    return set(conn.execute(_UNREACHABLE, {"phones": sorted(phones)}).scalars())


def _stored(conn, keys: list[str]) -> dict:
    if not keys:
        return {}
    found = conn.execute(_STORED_ONE, {"key": keys[0]}) if len(keys) == 1 \
        else conn.execute(_STORED, {"keys": keys})
    return {r.idempotency_key: {"status": r.status, "created_at": r.created_at} for r in found}
