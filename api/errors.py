"""One error shape for every 4xx/5xx: {code, status, message, errors}; engine errors translated here.

``errors`` is always the contract's field map ``{location: {field: [messages]}}``: whatever webargs,
marshmallow or the engine produce (a bare list, nested dicts of list items) is folded into it here.
Messages are Chinese first, the English after in parentheses.
"""
from __future__ import annotations

import logging
import re
from http import HTTPStatus

import sqlalchemy.exc as sa_exc
from flask import jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine.dmn.errors import DecisionInputError, NoMatchingRule
from engine.errors import EngineError, InvalidDefinition, InvalidInput, ProcessFailed

from .i18n import localise, message_language

log = logging.getLogger("retire.api")

RETRY_AFTER_SECONDS = 30
CHINESE = {
    400: "请求内容不正确",
    401: "未登录或登录已过期",
    403: "无权办理",
    404: "未找到",
    405: "不支持该请求方法",
    409: "办理冲突",
    413: "上传内容过大",
    415: "不支持的内容类型",
    422: "请求内容不正确",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂时不可用",
}
# webargs / marshmallow messages a client is most likely to meet, Chinese first
FIELD_MESSAGES = {
    "Missing data for required field.": "必填项",
    "Not a valid integer.": "不是有效的整数",
    "Not a valid string.": "不是有效的字符串",
    "Not a valid number.": "不是有效的数字",
    "Not a valid boolean.": "不是有效的布尔值",
    "Not a valid datetime.": "不是有效的日期时间",
    "Not a valid date.": "不是有效的日期",
    "Not a valid list.": "不是有效的列表",
    "Not a valid mapping type.": "不是有效的对象",
    "Invalid input type.": "输入类型不正确",
    "Unknown field.": "未知字段",
    "Field may not be null.": "不能为空",
    "Invalid JSON body.": "请求体不是有效的 JSON",
    "Invalid value.": "取值无效",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_first(message: str, code: int) -> str:
    """``请求内容不正确 (the English message)`` unless the message is already Chinese."""
    message = str(message or "")
    if _CJK.search(message[:20]):
        return message
    zh = CHINESE.get(code) or CHINESE.get(500 if code >= 500 else 400)
    return f"{zh} ({message})" if message else zh


def _field_message(text) -> str:
    text = str(text)
    zh = FIELD_MESSAGES.get(text)
    return f"{zh} ({text})" if zh else text


def _flatten(value, prefix: str, out: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, (dict, list, tuple)):
                _flatten(item, prefix, out)
            else:
                out.setdefault(prefix or "_schema", []).append(_field_message(item))
    elif value is not None:
        out.setdefault(prefix or "_schema", []).append(_field_message(value))


def field_map(errors, location: str = "json") -> dict[str, dict[str, list[str]]] | None:
    """Fold any error structure into ``{location: {field: [messages]}}``; a top-level dict is taken as keyed by
    location when its keys are request locations, otherwise as the fields of ``location``."""
    if not errors:
        return None
    locations = ("json", "query", "form", "files", "headers", "cookies", "path", "view_args", "querystring")
    if isinstance(errors, dict) and all(k in locations for k in errors):
        items = errors.items()
    else:
        items = [(location, errors)]
    out: dict[str, dict[str, list[str]]] = {}
    for loc, value in items:
        fields: dict[str, list[str]] = {}
        _flatten(value, "", fields)
        if fields:
            out.setdefault(loc, {}).update(fields)
    return out or None


def error_body(code: int, message: str, errors: dict | None = None, **extra) -> dict:
    """The one error shape, its messages in the request's language (api/i18n.py: Chinese first by default)."""
    text = chinese_first(message, code)
    if text != str(message or "") and message and message_language() != "en":
        shown = text   # an English-only message: its Chinese heading, and the English detail kept after it
    else:
        shown = localise(text)
    body = {"code": code, "status": HTTPStatus(code).phrase, "message": shown}
    errors = field_map(errors)
    if errors:
        body["errors"] = {loc: {f: [localise(m) for m in msgs] for f, msgs in fields.items()}
                          for loc, fields in errors.items()}
    body.update(extra)
    return body


def _summary(errors: dict | None, language: str) -> str:
    """``field: reason`` for every field, in one language (so the whole message splits into Chinese and English)."""
    sep = "；" if language == "zh" else ", "
    return sep.join(f"{field}: {'，'.join(localise(m, language) for m in msgs)}" for loc in (errors or {}).values()
                    for field, msgs in loc.items()).replace("(", "[").replace(")", "]").replace("; ", ", ")


def is_outage(exc: BaseException) -> bool:
    """The database cannot be reached or used right now (down, restarting, locked, connection dropped)."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                            sa_exc.TimeoutError))


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

    @app.errorhandler(DecisionInputError)
    @app.errorhandler(NoMatchingRule)
    def decision_input_error(exc):   # the case's variables do not fit a decision table the process consults
        field = getattr(exc, "input_name", None) or "variables"
        return jsonify(error_body(422, f"决策表无法根据所给数据作出判断 ({exc})", {"json": {field: [str(exc)]}},
                                  decision_id=exc.decision_id)), 422

    @app.errorhandler(ValidationError)
    def schema_error(exc: ValidationError):
        errors = field_map(exc.messages)
        return jsonify(error_body(422, "请求内容不正确：" + _summary(errors, "zh") + " (the request is not valid: "
                                  + _summary(errors, "en") + ")", errors)), 422

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        data = getattr(exc, "data", None) or {}
        message = data.get("message") or exc.description or HTTPStatus(exc.code).phrase
        errors = field_map(data.get("errors") or data.get("messages"))
        if exc.code in (400, 422) and errors and (message == exc.description or not data.get("message")):
            message = ("请求内容不正确：" + _summary(errors, "zh") + " (the request is not valid: " + _summary(errors, "en")
                       + ")")
        response = jsonify(error_body(exc.code, message, errors))
        for name, value in (exc.get_headers() if hasattr(exc, "get_headers") else []):
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response, exc.code

    @app.errorhandler(sa_exc.SQLAlchemyError)
    def database_error(exc: sa_exc.SQLAlchemyError):
        if not is_outage(exc):
            return unexpected(exc)
        log.error("database unavailable: %s", str(exc).splitlines()[0][:300])
        response = jsonify(error_body(503, "数据库暂时无法访问，请稍后重试 (the database is unavailable; "
                                           "nothing was changed, try again shortly)"))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response, 503

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # a defect: log it whole, tell the client little
        if is_outage(exc):
            return database_error(exc)
        log.exception("unhandled error")
        return jsonify(error_body(500, "服务器内部错误，已记录，请稍后重试或联系运维人员 (an internal error occurred; "
                                       "it has been logged)")), 500
