"""公安 (public_security): household-registration confirmation (户籍信息确认)."""
from __future__ import annotations

from .months import as_date
from .personal import birth_date_from_id
from .variables import id_number, iso


def verify_household(ctx) -> dict:
    number = id_number(ctx)
    record = ctx.ports.household.lookup(number)
    if record is None:
        return {"household": {"registered": False, "address": None, "birth_date": None, "consistent": False}}
    birth = as_date(record.get("birth_date"))
    name = ctx.variables.get("name")
    consistent = birth == birth_date_from_id(number) and (not name or not record.get("name") or record["name"] == name)
    return {"household": {"registered": True, "address": record.get("address"), "birth_date": iso(birth),
                          "consistent": consistent}}


HANDLERS = {"public_security.verify_household": verify_household}
