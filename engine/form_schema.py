"""The JSON schema (OpenAPI 3.0) of the data a form-js form submits: its fields, their types, choices, lengths and
which are required — so the API documents a body from the same form it checks it against (engine/forms.py)."""
from __future__ import annotations

from .forms import fields_of

# example values by the field's ``properties.format`` (the formats engine/forms.py checks)
FORMAT_EXAMPLES = {"id_number": "340722196612040110", "phone": "13912345678", "bank_card": "6217001234567890123",
                   "year_month": "2027-06"}


def _field_schema(c: dict) -> dict:
    ctype, rules = c.get("type"), c.get("validate") or {}
    fmt = (c.get("properties") or {}).get("format")
    values = [v.get("value") for v in c.get("values") or [] if v.get("value") is not None]
    labels = "; ".join(f"{v.get('value')}={v.get('label')}" for v in c.get("values") or [])
    out: dict = {"title": c.get("label") or c["key"]}
    if ctype == "number":
        out["type"] = "number"
        if rules.get("min") is not None:
            out["minimum"] = float(rules["min"])
        if rules.get("max") is not None:
            out["maximum"] = float(rules["max"])
    elif ctype in ("select", "radio"):
        out.update({"type": "string", "enum": [str(v) for v in values]} if values else {"type": "string"})
    elif ctype in ("checklist", "taglist"):
        out.update({"type": "array", "uniqueItems": True,
                    "items": {"type": "string", "enum": [str(v) for v in values]} if values else {"type": "string"}})
    elif ctype == "checkbox":
        out["type"] = "boolean"
    elif ctype == "datetime":
        out.update({"type": "string", "format": "date"})
    else:
        out["type"] = "string"
        if rules.get("minLength") is not None:
            out["minLength"] = int(rules["minLength"])
        if rules.get("maxLength") is not None:
            out["maxLength"] = int(rules["maxLength"])
    if labels:
        out["description"] = labels
    if fmt:
        out["description"] = (out.get("description", "") + f" (format {fmt}, checked by the server)").strip()
    if "defaultValue" in c:
        out["default"] = c["defaultValue"]
    return out


def _example(c: dict):
    fmt = (c.get("properties") or {}).get("format")
    if "defaultValue" in c:
        return c["defaultValue"]
    if fmt in FORMAT_EXAMPLES:
        return FORMAT_EXAMPLES[fmt]
    values = [v.get("value") for v in c.get("values") or []]
    if c.get("type") in ("select", "radio") and values:
        return values[0]
    if c.get("type") in ("checklist", "taglist"):
        return values
    if c.get("type") == "checkbox":
        return True
    if c.get("type") == "number":
        return (c.get("validate") or {}).get("min") or 0
    return {"name": "王建国", "address": "安徽省铜陵市枞阳县枞阳镇1号", "employer_name": "枞阳县某某有限公司"}.get(
        c["key"], c.get("label") or c["key"])


def data_schema(form: dict, *, filled_by_server=("channel",), title: str | None = None) -> dict:
    """The schema of ``form``'s data; fields the server fills (the channel, from the account) and fields with a
    default are optional; a field hidden by a condition is described, never required."""
    properties, required, example = {}, [], {}
    for c in fields_of(form):
        key = c["key"]
        properties[key] = _field_schema(c)
        rules = c.get("validate") or {}
        conditional = (c.get("conditional") or {}).get("hide")
        if conditional:
            properties[key]["description"] = (properties[key].get("description", "") +
                                              f" (hidden, and not required, when {conditional.lstrip('=')})").strip()
        if rules.get("required") and key not in filled_by_server and "defaultValue" not in c and not conditional:
            required.append(key)
        if key not in filled_by_server and not conditional and (rules.get("required") or "defaultValue" in c):
            example[key] = _example(c)
    out = {"type": "object", "properties": properties, "example": example}
    if required:
        out["required"] = required
    if title:
        out["title"] = title
    return out
