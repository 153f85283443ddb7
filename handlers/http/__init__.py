"""HTTP adapters standing for the real department systems."""
from __future__ import annotations

from ..ports import PORT_NAMES, Ports
from .adapters import ADAPTERS
from .client import DepartmentClient


def http_ports(config: dict) -> Ports:
    """Ports over HTTP. config maps a port name (or "default") to {"base_url", "timeout", "retries",
    "backoff", "headers"}; a "default" base_url gets the port name appended ({base_url}/{port})."""
    built = {}
    for name in PORT_NAMES:
        if name in config:
            options = dict(config[name])
        elif "default" in config:
            options = dict(config["default"])
            options["base_url"] = options["base_url"].rstrip("/") + "/" + name
        else:
            continue
        built[name] = ADAPTERS[name](DepartmentClient(options.pop("base_url"), **options))
    return _PartialPorts(built)


class _PartialPorts:
    """The configured HTTP ports; build_ports picks from it by name."""

    def __init__(self, built: dict):
        self.__dict__.update(built)


__all__ = ["DepartmentClient", "http_ports", "ADAPTERS"]
