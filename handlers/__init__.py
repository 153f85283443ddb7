"""Service-task handlers, one module per department, and the ports to each department's system.

``ALL_HANDLERS`` maps every topic ("<department>.<operation>") to its function;
``build_ports`` builds the ``ctx.ports`` object the engine hands to them.
"""
from __future__ import annotations

from . import (contact, data_bureau, employer, health, hrss, housing_fund, medical_insurance, notification,
               public_security, social_insurance)
from .ports import PORT_NAMES, Ports

ALL_HANDLERS = {
    **hrss.HANDLERS,
    **social_insurance.HANDLERS,
    **medical_insurance.HANDLERS,
    **housing_fund.HANDLERS,
    **public_security.HANDLERS,
    **health.HANDLERS,
    **data_bureau.HANDLERS,
    **notification.HANDLERS,
    **employer.HANDLERS,
    **contact.HANDLERS,
}


def build_ports(kind: str = "ledger", *, db_engine=None, http_config: dict | None = None) -> Ports:
    """The ports for ``ctx.ports``.

    kind="ledger": the embedded ledger in ``db_engine`` (a SQLAlchemy Engine); any port named in
    ``http_config`` goes to that department's HTTP system instead. kind="http": every port over
    HTTP; ``http_config`` maps port names (see ``PORT_NAMES``) or "default" to
    ``{"base_url", "timeout", "retries", "backoff"}``. kind="fake": in-memory fakes.
    """
    http_config = dict(http_config or {})
    if kind == "fake":
        from .fakes import fake_ports
        return fake_ports()
    if kind == "ledger":
        if db_engine is None:
            raise ValueError("build_ports('ledger') needs db_engine")
        from .ledger import ledger_ports
        ports = ledger_ports(db_engine)
    elif kind == "http":
        missing = [n for n in PORT_NAMES if n not in http_config and "default" not in http_config]
        if missing:
            raise ValueError(f"http_config has no base_url for {', '.join(missing)} and no 'default'")
        ports = None
    else:
        raise ValueError(f"unknown ports kind {kind!r} (ledger, http or fake)")
    if http_config:
        from .http import http_ports
        remote = http_ports(http_config)
        chosen = {name: getattr(remote, name) if (kind == "http" or name in http_config) else getattr(ports, name)
                  for name in PORT_NAMES}
        return Ports(**chosen)
    return ports


__all__ = ["ALL_HANDLERS", "build_ports", "Ports"]
