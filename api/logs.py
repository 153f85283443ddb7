"""Log lines as JSON (python-json-logger), each with the request id of the request it belongs to, and personal data
(ID numbers, mobile phones, bank cards) masked in every message whatever logged it."""
from __future__ import annotations

import logging
import re
import sys

from pythonjsonlogger.json import JsonFormatter

from handlers.personal import mask_card, mask_id, mask_phone

# digits not inside a longer run of digits: an 18-character ID number, a 16–19-digit card, an 11-digit mobile
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CARD = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def redact(text: str) -> str:
    """Mask what looks like an ID number, a bank card or a mobile phone in free text."""
    text = _ID.sub(lambda m: mask_id(m.group(0)), text)
    text = _CARD.sub(lambda m: mask_card(m.group(0)), text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


_CARRIES_DATA = ("data", "internal_data")


class RequestContext(logging.Filter):
    """Adds ``request_id`` (the request's, or "-" outside a request) and masks personal data in the message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id()
        for carried in _CARRIES_DATA:   # SpiffWorkflow's task log lines carry the case's whole data as extras
            if carried in record.__dict__:
                del record.__dict__[carried]
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call must not lose the line
            message = str(record.msg)
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def _request_id() -> str:
    try:
        from flask import g, has_request_context
        return getattr(g, "request_id", "-") if has_request_context() else "-"
    except Exception:  # noqa: BLE001
        return "-"


def json_formatter() -> logging.Formatter:
    return JsonFormatter("{asctime}{levelname}{name}{message}{request_id}", style="{",
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         json_ensure_ascii=False)


def configure(*, json_lines: bool, level: int = logging.INFO) -> None:
    """One handler on the root logger: JSON lines (production) or plain text, with request ids and masking."""
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContext())
    handler.setFormatter(json_formatter() if json_lines else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("spiff").setLevel(max(level, logging.WARNING))  # a line per task state change, with data
