"""One error shape for every 4xx/5xx: {code, status, message, errors}; engine errors translated here."""
from __future__ import annotations

import logging
from http import HTTPStatus

from flask import jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine.errors import EngineError, InvalidDefinition, InvalidInput, ProcessFailed

log = logging.getLogger("retire.api")


def error_body(code: int, message: str, errors: dict | None = None, **extra) -> dict:
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def register_error_handlers(app):
    @app.errorhandler(EngineError)
    def engine_error(exc: EngineError):
        status = exc.status if exc.status < 500 else 500
        extra, errors = {}, None
        if isinstance(exc, InvalidInput):
            errors = {"json": exc.errors}
        elif isinstance(exc, InvalidDefinition):
            extra["problems"] = exc.problems
            errors = {"json": {"files": [f"{p['file']}: {p.get('element_id') or '-'}: {p['message']}"
                                         for p in exc.problems]}}
        elif isinstance(exc, ProcessFailed):
            extra.update({"activity_id": exc.activity_id})
        elif exc.field:
            errors = {"json": {exc.field: [exc.message]}}
        if status >= 500:
            log.error("engine error: %s", exc)
        return jsonify(error_body(status, exc.message, errors, **extra)), status

    @app.errorhandler(ValidationError)
    def schema_error(exc: ValidationError):
        return jsonify(error_body(422, "the request is not valid", {"json": exc.messages})), 422

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        data = getattr(exc, "data", None) or {}
        message = data.get("message") or exc.description or HTTPStatus(exc.code).phrase
        errors = data.get("errors") or data.get("messages")
        if exc.code == 422 and errors and message == exc.description:
            message = "the request is not valid: " + "; ".join(
                f"{field}: {', '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
                for loc in errors.values() if isinstance(loc, dict) for field, msgs in loc.items())
        return jsonify(error_body(exc.code, message, errors)), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # a defect: log it whole, tell the client little
        log.exception("unhandled error")
        return jsonify(error_body(500, "an internal error occurred; it has been logged")), 500
