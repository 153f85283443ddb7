"""A real local HTTP server standing for a department system: it serves a port object by RPC.

POST /{operation} with JSON keyword arguments calls the port's method. It honours Idempotency-Key
(a repeated key returns the first response), can fail the first N calls with 503, and can be slowed.
"""
from __future__ import annotations

import inspect
import json
import threading
import time
from datetime import date, datetime
from decimal import Decimal

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from handlers.context import BusinessRuleViolation


def _encode(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))


class DepartmentApp:
    def __init__(self, port):
        self.port = port
        self.fail_next = 0
        self.delay = 0.0
        self.calls: list[dict] = []
        self.responses: dict[str, tuple[int, str]] = {}

    def __call__(self, environ, start_response):
        request = Request(environ)
        key = request.headers.get("Idempotency-Key")
        self.calls.append({"operation": request.path.strip("/"), "key": key})
        time.sleep(self.delay)
        if self.fail_next:
            self.fail_next -= 1
            return Response("busy", status=503)(environ, start_response)
        if key and key in self.responses:
            status, body = self.responses[key]
        else:
            status, body = self._dispatch(request.path.strip("/"), request.get_json(), key)
            if key:
                self.responses[key] = (status, body)
        return Response(body, status=status, content_type="application/json")(environ, start_response)

    def _dispatch(self, operation, arguments, key):
        method = getattr(self.port, operation)
        if "idempotency_key" in inspect.signature(method).parameters:
            arguments["idempotency_key"] = key
        try:
            result = method(**arguments)
        except BusinessRuleViolation as refusal:
            return 422, json.dumps({"code": refusal.code, "message": str(refusal)})
        if hasattr(result, "__next__"):
            result = list(result)
        return 200, json.dumps({"result": result}, default=_encode, ensure_ascii=False)


class DepartmentServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join()
