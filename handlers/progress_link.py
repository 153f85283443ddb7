"""The applicant's link to their own progress page: ``<public_base_url>/progress?t=<token>``.

The token is signed with the app's secret under its own purpose (salt ``retire.progress``: no login token is one,
and it is no login token), carries the case's business key and the beginning of its instance id (so it opens that
case only), and its timestamp on the engine's clock; it expires after the locality's
``public.progress_token_days``. itsdangerous keeps it short enough for an SMS.

The API and the worker configure it at start (``configure``); an SMS template with ``{progress_link}`` gets the
link when it is configured and the page's address (business key plus the ID number's last six) when not.
"""
from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

PURPOSE = "retire.progress"
INSTANCE_PREFIX = 12
_config: dict = {}


class LinkRefused(Exception):
    """The token is not one of ours, was altered, or has expired."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def configure(secret: str | None, base_url: str | None) -> None:
    if secret:
        _config["secret"] = secret
    if base_url is not None:
        _config["base_url"] = base_url.rstrip("/")


def _serializer(secret: str, now: datetime) -> URLSafeTimedSerializer:
    class ClockSigner(TimestampSigner):   # the engine's clock, so the demo clock and tests move it
        def get_timestamp(self) -> int:
            return int(now.timestamp())

    return URLSafeTimedSerializer(secret, salt=PURPOSE, signer=ClockSigner)


def issue(business_key: str, instance_id: str, now: datetime, secret: str | None = None) -> str:
    secret = secret or _config.get("secret")
    if not secret:
        raise LinkRefused()
    return _serializer(secret, now).dumps([business_key, instance_id[:INSTANCE_PREFIX]])


def read(token: str, now: datetime, max_days: int, secret: str | None = None) -> tuple[str, str]:
    """(business key, instance id prefix) of a valid token no older than ``max_days`` on the clock ``now``."""
    secret = secret or _config.get("secret")
    if not secret or not isinstance(token, str) or not 10 <= len(token) <= 400:
        raise LinkRefused()
    try:
        value = _serializer(secret, now).loads(token, max_age=int(max_days) * 86400)
    except SignatureExpired as exc:
        raise LinkRefused(expired=True) from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise LinkRefused() from exc
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise LinkRefused()
    return value[0], value[1]


def page_url() -> str:
    return f"{_config.get('base_url', '')}/progress"


def link(business_key: str, instance_id: str, now: datetime) -> str:
    """The link an SMS carries; the page's address without a token when no secret is configured."""
    try:
        return f"{page_url()}?t={issue(business_key, instance_id, now)}"
    except LinkRefused:
        return page_url()
