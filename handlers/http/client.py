"""A small JSON client for a department's HTTP system: timeout, retries with back-off, idempotency key.

Convention (what a department gateway implements): ``POST {base_url}/{operation}`` with the
arguments as a JSON object; 200 with ``{"result": ...}``. A 409 or 422 with ``{"code", "message"}``
is the department's refusal (BusinessRuleViolation). Connection errors, timeouts and 5xx are retried
(the Idempotency-Key header makes a repeated write safe) and end in HandlerError.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import date, datetime
from decimal import Decimal

import httpx

from ..context import BusinessRuleViolation, HandlerError

log = logging.getLogger(__name__)


def _encode(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


class DepartmentClient:
    def __init__(self, base_url: str, *, timeout: float = 10.0, retries: int = 3, backoff: float = 0.5,
                 headers: dict | None = None, transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self._http = httpx.Client(timeout=timeout, headers=headers or {}, transport=transport)

    def call(self, operation: str, arguments: dict | None = None, *, idempotency_key: str | None = None):
        """POST the operation and return its result, retrying what is safe to retry."""
        body = json.dumps(arguments or {}, default=_encode, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        url = f"{self.base_url}/{operation}"
        for attempt in range(self.retries + 1):
            try:
                response = self._http.post(url, content=body, headers=headers)
            except httpx.TransportError as exc:  # connection refused, reset, timeouts
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 500:
                    return self._result(operation, response)
                problem = f"HTTP {response.status_code}"
            if attempt < self.retries:
                delay = self.backoff * 2 ** attempt
                log.warning("%s failed (%s); retry %d in %.2fs", url, problem, attempt + 1, delay)
                time.sleep(delay)
        raise HandlerError(f"{url} failed after {self.retries + 1} attempts: {problem}")

    @staticmethod
    def _result(operation, response: httpx.Response):
        try:
            data = response.json()
        except ValueError as exc:
            raise HandlerError(f"{operation}: HTTP {response.status_code} with a body that is not JSON") from exc
        if response.status_code in (409, 422):
            raise BusinessRuleViolation(data.get("code", "refused"), data.get("message", "refused by the department"))
        if response.status_code >= 400:
            raise HandlerError(f"{operation}: HTTP {response.status_code}: {data.get('message', '')}")
        return data.get("result")

    def close(self) -> None:
        self._http.close()
