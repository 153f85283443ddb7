"""Server-side validation of form-js submissions: every field the form declares, checked before a task moves.

Supported: ``conditional.hide`` (FEEL), ``validate.required``, ``minLength``/``maxLength``, ``min``/``max``, ``pattern`` (with form-js's
``patternErrorMessage``, matched with RE2 in linear time — engine.form_checks refuses at deploy what RE2
cannot run); select, radio and checklist ``values`` (enumerations); ``datetime`` with
``subtype: date``; and the ``properties.format`` of a component: ``id_number`` (GB 11643 with check
digit), ``phone``, ``bank_card``, ``year_month``; form-js ``validate.validationType`` ``email`` and ``phone`` (a
mainland mobile number, as ``format: phone``).
"""
from __future__ import annotations

import logging
import math
import re
from datetime import date

from handlers.personal import id_number_problem

from .errors import InvalidInput
from .form_checks import PatternRefused, pattern_matches

log = logging.getLogger("retire.forms")

PHONE = re.compile(r"^1[3-9]\d{9}$")
BANK_CARD = re.compile(r"^\d{12,19}$")
YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"   # matched with RE2 (linear), like every pattern a form brings


def fields_of(form: dict) -> list[dict]:
    out = []

    def walk(components):
        for c in components or []:
            if c.get("key") and c.get("type") not in ("button", "text", "html", "spacer", "separator"):
                out.append(c)
            walk(c.get("components"))

    walk(form.get("components"))
    return out


def defaults_of(form: dict) -> dict:
    """The ``defaultValue`` of every field that declares one (form-js: what a new form starts with)."""
    return {c["key"]: c["defaultValue"] for c in fields_of(form) if "defaultValue" in c}


class _Blank(dict):
    def __missing__(self, key):   # form-js reads a field nobody filled as null
        return None


def hide_condition(component: dict):
    """The compiled form-js ``conditional.hide`` of a component (``=retirement_choice = "statutory"``), or None;
    raises FeelSyntaxError when it is not FEEL (engine.validation refuses such a form at deploy)."""
    from .dmn.feel import compile_expression, parse_expression

    rule = ((component.get("conditional") or {}).get("hide") or "").strip()
    if not rule:
        return None
    return compile_expression(parse_expression(rule[1:] if rule.startswith("=") else rule))


def is_hidden(component: dict, data: dict) -> bool:
    try:
        condition = hide_condition(component)
        return condition is not None and condition.fn(_Blank(data), None) is True
    except Exception:  # refused at deploy; should one still fail here, the field is validated as shown
        return False


def validate_submission(form: dict, data: dict, *, partial: bool = False) -> dict:
    """Return the cleaned data, or raise InvalidInput naming every field at fault. A field its condition hides
    is neither required nor kept, as form-js submits it."""
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    for c in fields_of(form):
        key, label = c["key"], c.get("label") or c.get("dateLabel") or c["key"]
        if is_hidden(c, data):
            clean.pop(key, None)
            continue
        rules = c.get("validate") or {}
        value = data.get(key)
        empty = value is None or value == "" or value == [] or (c.get("type") == "checkbox" and value is False)
        if empty:
            if rules.get("required") and not partial:
                errors.setdefault(key, []).append(f"{label}为必填项 (required)")
            continue
        try:
            problem = _check(c, value)
        except (TypeError, ValueError, PatternRefused) as exc:  # a form deployed before the deploy checks
            log.error("form %s, field %s: unusable rule: %s", form.get("id"), key, exc)
            problem = f"表单对该项的校验规则有误，请联系政策管理员 (the form's rule for this field is not valid: {exc})"
        if problem:
            errors.setdefault(key, []).append(problem)
        elif c.get("type") == "number":
            clean[key] = value if isinstance(value, (int, float)) else float(value)
    if errors:
        raise InvalidInput(f"有{len(errors)}项填写不正确 ({len(errors)} field(s) are not valid)", errors=errors)
    return clean


def _check(c: dict, value) -> str | None:
    ctype, rules = c.get("type"), c.get("validate") or {}
    fmt = (c.get("properties") or {}).get("format")
    if ctype == "number":
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError, OverflowError):
            return "必须是数字 (must be a number)"
        if not math.isfinite(number):
            return "必须是数字 (must be a number)"
        if rules.get("min") is not None and number < float(rules["min"]):
            return f"不能小于{rules['min']} (must be at least {rules['min']})"
        if rules.get("max") is not None and number > float(rules["max"]):
            return f"不能大于{rules['max']} (must be at most {rules['max']})"
        return None
    if ctype in ("select", "radio"):
        allowed = [str(v.get("value")) for v in c.get("values") or []]
        if allowed and str(value) not in allowed:
            return f"须为以下选项之一：{'、'.join(allowed)} (must be one of {', '.join(allowed)})"
        return None
    if ctype in ("checklist", "taglist"):
        allowed = {str(v.get("value")) for v in c.get("values") or []}
        if not isinstance(value, list) or (allowed and not {str(v) for v in value} <= allowed):
            return f"只能勾选以下选项：{'、'.join(sorted(allowed))} (must be a list of {', '.join(sorted(allowed))})"
        return None
    if ctype == "checkbox":
        return None if isinstance(value, bool) else "须为是或否 (must be true or false)"
    text = str(value)
    if ctype == "datetime" and c.get("subtype", "date") == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            return "须为日期，格式YYYY-MM-DD (must be a date YYYY-MM-DD)"
    if rules.get("minLength") is not None and len(text) < int(rules["minLength"]):
        return f"至少{rules['minLength']}个字符 (must have at least {rules['minLength']} characters)"
    if rules.get("maxLength") is not None and len(text) > int(rules["maxLength"]):
        return f"最多{rules['maxLength']}个字符 (must have at most {rules['maxLength']} characters)"
    if rules.get("pattern") and not pattern_matches(rules["pattern"], text):
        return (rules.get("patternErrorMessage") or (c.get("properties") or {}).get("patternMessage")
                or f"格式不正确 (does not match the pattern {rules['pattern']})")
    if rules.get("validationType") == "email" and not pattern_matches(EMAIL, text):
        return "须为电子邮箱地址 (must be an email address)"
    if rules.get("validationType") == "phone" and not PHONE.match(text):
        return "须为以1开头的11位手机号码 (must be an 11-digit mobile number starting with 1)"
    if fmt == "id_number":
        return id_number_problem(text)
    if fmt == "phone" and not PHONE.match(text):
        return "须为以1开头的11位手机号码 (must be an 11-digit mobile number starting with 1)"
    if fmt == "bank_card" and not BANK_CARD.match(text.replace(" ", "")):
        return "须为12至19位银行卡号 (must be a bank card number of 12 to 19 digits)"
    if fmt == "year_month" and not YEAR_MONTH.match(text):
        return "须为年月，格式YYYY-MM (must be a month YYYY-MM)"
    return None
