"""Refuse text no database column can hold before it reaches a query: a NUL character (PostgreSQL refuses it in
text and JSON) in the path, the query string or a JSON body is a 404 / 422 naming the field, never a 500."""
from __future__ import annotations

from flask import abort as flask_abort, request
from flask_smorest import abort

NUL = "\x00"
REASON = "不能包含空字符 (must not contain a NUL character)"


def _nul_paths(value, path: str = ""):
    if isinstance(value, str):
        if NUL in value:
            yield path or "_schema"
    elif isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                yield where
            yield from _nul_paths(inner, where)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _nul_paths(inner, f"{path}.{index}" if path else str(index))


def install(app) -> None:
    @app.before_request
    def refuse_nul_characters():
        if NUL in request.path:
            flask_abort(404)
        bad_args = sorted({key for key, values in request.args.lists() if NUL in key or any(NUL in v for v in values)})
        if bad_args:
            abort(422, message="请求内容不正确 (the request is not valid)",
                  errors={"query": {key.replace(NUL, "\\0"): [REASON] for key in bad_args}})
        if request.is_json and request.content_length:
            raw = request.get_data(cache=True)
            if b"\\u0000" in raw.lower() or b"\x00" in raw:
                fields = sorted(set(_nul_paths(request.get_json(silent=True))))
                if fields:
                    abort(422, message="请求内容不正确 (the request is not valid)",
                          errors={"json": {f.replace(NUL, "\\0"): [REASON] for f in fields}})
