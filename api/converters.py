"""URL converters: a path id beyond what a database column holds does not match the route (404), never a query."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

ID_MAX = 2**31 - 1   # ids are INTEGER columns (int4 on PostgreSQL)


class IdConverter(IntegerConverter):
    """``<int:id>`` limited to 0 … 2³¹−1, so an overlong id is an unknown id (404) instead of a database overflow."""

    def __init__(self, map, fixed_digits=0, min=None, max=ID_MAX, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install(app) -> None:
    app.url_map.converters["int"] = IdConverter
