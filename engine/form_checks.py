"""Deploy-time checks of a form-js form, so that a deployed form can never break the completion of its task.

Every problem names the form id, the component (its key, else its id) and the reason. Patterns (form-js
``validate.pattern``) are compiled with RE2, which matches in time linear in the input: a pattern RE2 cannot
compile (``(``, a back-reference, a look-ahead) is refused here, and submissions are matched with the same engine.
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache

import re2

FORM_COMPONENTS = {"textfield", "textarea", "number", "select", "radio", "checkbox", "checklist", "taglist",
                   "datetime", "text", "button", "group", "spacer", "separator", "html", "image", "dynamiclist",
                   "iframe", "table", "expression", "filepicker", "documentPreview", "default"}
LAYOUT = {"text", "button", "group", "spacer", "separator", "html", "image", "iframe", "table", "documentPreview",
          "default", "dynamiclist"}
WITH_VALUES = {"select", "radio", "checklist", "taglist"}
FORMATS = {"id_number", "phone", "bank_card", "year_month"}
SUBTYPES = {"date", "time", "datetime"}
VALIDATE_KEYS = {"required", "minLength", "maxLength", "min", "max", "pattern", "patternErrorMessage",
                 "validationType"}
VALIDATION_TYPES = {"email", "phone", "custom"}   # form-js: custom means "use pattern"
PATTERN_MAX_LENGTH = 1000
RE2_MAX_MEMORY = 8 << 20


class PatternRefused(ValueError):
    pass


def _options():
    options = re2.Options()
    options.log_errors = False
    options.max_mem = RE2_MAX_MEMORY
    return options


_JS_UNICODE = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9a-fA-F]{4})")


@lru_cache(maxsize=512)
def compiled_pattern(pattern: str):
    """The RE2 program of a form-js pattern (JavaScript ``\\uXXXX`` escapes read as RE2's ``\\x{XXXX}``);
    PatternRefused with the reason when RE2 cannot run it."""
    if not isinstance(pattern, str):
        raise PatternRefused("must be text")
    if len(pattern) > PATTERN_MAX_LENGTH:
        raise PatternRefused(f"is longer than {PATTERN_MAX_LENGTH} characters")
    try:
        return re2.compile(_JS_UNICODE.sub(r"\1\\x{\2}", pattern), _options())
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternRefused(f"is not a regular expression RE2 can run in linear time ({reason})") from exc


def pattern_matches(pattern: str, text: str) -> bool:
    return compiled_pattern(pattern).fullmatch(text) is not None


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)) or (
        isinstance(v, str) and _number_text(v))


def _number_text(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def component_problems(c: dict) -> list[str]:
    """The reasons one component cannot be used (its nested components are checked by the caller)."""
    out = []
    ctype = c.get("type")
    if not isinstance(ctype, str) or ctype not in FORM_COMPONENTS:
        out.append(f"unknown form component type {ctype!r}")
    key = c.get("key")
    if key is not None and (not isinstance(key, str) or not key.strip()):
        out.append("key must be non-empty text")
    if isinstance(ctype, str) and ctype in FORM_COMPONENTS and ctype not in LAYOUT and not key:
        out.append(f"a {ctype} field needs a key")
    for name in ("label", "id", "description"):
        if c.get(name) is not None and not isinstance(c.get(name), str):
            out.append(f"{name} must be text")
    rules = c.get("validate")
    if rules is not None and not isinstance(rules, dict):
        out.append("validate must be an object")
        rules = {}
    out.extend(_rule_problems(rules or {}))
    props = c.get("properties")
    if props is not None and not isinstance(props, dict):
        out.append("properties must be an object")
    elif props and props.get("format") is not None and props.get("format") not in FORMATS:
        out.append(f"properties.format {props.get('format')!r} is not one of {', '.join(sorted(FORMATS))}")
    conditional = c.get("conditional")
    if conditional is not None and (not isinstance(conditional, dict)
                                    or not isinstance(conditional.get("hide", ""), str)):
        out.append("conditional.hide must be text (a FEEL expression)")
    if ctype in WITH_VALUES:
        values = c.get("values")
        if values is None and not c.get("valuesKey") and not c.get("valuesExpression"):
            out.append(f"a {ctype} field needs values")
        elif values is not None and (not isinstance(values, list) or not all(
                isinstance(v, dict) and "value" in v and not isinstance(v["value"], (dict, list)) for v in values)):
            out.append("values must be a list of {label, value}")
    if ctype == "datetime" and c.get("subtype") is not None and c.get("subtype") not in SUBTYPES:
        out.append(f"subtype {c.get('subtype')!r} is not one of date, time, datetime")
    if "components" in c and not isinstance(c["components"], list):
        out.append("components must be a list")
    return out


def _rule_problems(rules: dict) -> list[str]:
    out = []
    if "required" in rules and not isinstance(rules["required"], bool):
        out.append("validate.required must be true or false")
    for name in ("minLength", "maxLength"):
        if rules.get(name) is not None and not (_is_int(rules[name]) and rules[name] >= 0):
            out.append(f"validate.{name} must be a whole number ≥ 0")
    for name in ("min", "max"):
        if rules.get(name) is not None and not _is_number(rules[name]):
            out.append(f"validate.{name} must be a number")
    if not out:
        if None not in (rules.get("minLength"), rules.get("maxLength")) and rules["minLength"] > rules["maxLength"]:
            out.append("validate.minLength is greater than validate.maxLength")
        if None not in (rules.get("min"), rules.get("max")) and float(rules["min"]) > float(rules["max"]):
            out.append("validate.min is greater than validate.max")
    if rules.get("pattern") not in (None, ""):
        try:
            compiled_pattern(rules["pattern"])
        except PatternRefused as exc:
            out.append(f"validate.pattern {str(rules['pattern'])[:80]!r} {exc}")
    if rules.get("patternErrorMessage") is not None and not isinstance(rules["patternErrorMessage"], str):
        out.append("validate.patternErrorMessage must be text")
    if rules.get("validationType") not in (None, "") and rules["validationType"] not in VALIDATION_TYPES:
        out.append(f"validate.validationType {rules['validationType']!r} is not email, phone or custom")
    unknown = sorted(set(rules) - VALIDATE_KEYS)
    if unknown:
        out.append(f"validate.{unknown[0]} is not a rule the server enforces")
    return out


def check_form(name: str, content: str) -> list[dict]:
    """Problems of one form file: ``{file, element_id, message, severity}`` as every deploy check returns."""
    from .feel import FeelSyntaxError
    from .forms import hide_condition

    def problem(element, message):
        return {"file": name, "element_id": element, "message": message, "severity": "error"}

    try:
        form = json.loads(content)
    except (TypeError, ValueError) as exc:
        return [problem(None, f"not valid JSON: {exc}")]
    if not isinstance(form, dict) or not isinstance(form.get("id"), str) or not form["id"].strip():
        return [problem(None, 'a form-js form needs a top-level "id" (text)')]
    form_id = form["id"]
    if not isinstance(form.get("components"), list):
        return [problem(form_id, f"form '{form_id}': components must be a list")]
    out, keys = [], set()

    def walk(components, depth=0):
        if depth > 20:
            out.append(problem(form_id, f"form '{form_id}': components are nested more than 20 deep"))
            return
        for index, c in enumerate(components):
            if not isinstance(c, dict):
                out.append(problem(form_id, f"form '{form_id}', component #{index + 1}: must be an object"))
                continue
            label = c.get("key") if isinstance(c.get("key"), str) and c.get("key") else c.get("id")
            element = c.get("id") if isinstance(c.get("id"), str) else (label if isinstance(label, str) else None)
            where = f"form '{form_id}', component '{label if label is not None else '#' + str(index + 1)}'"
            for reason in component_problems(c):
                out.append(problem(element, f"{where}: {reason}"))
            try:
                hide_condition(c)
            except FeelSyntaxError as exc:
                out.append(problem(element, f"{where}: the condition that hides '{label}' is not a FEEL "
                                            f"expression: {exc}"))
            except Exception as exc:  # noqa: BLE001 - malformed conditional already reported above
                if not any(p["element_id"] == element for p in out):
                    out.append(problem(element, f"{where}: conditional.hide cannot be read: {exc}"))
            key = c.get("key")
            if isinstance(key, str) and key:
                if key in keys:
                    out.append(problem(element, f"{where}: two fields use the key '{key}'"))
                keys.add(key)
            if isinstance(c.get("components"), list):
                walk(c["components"], depth + 1)

    walk(form["components"])
    return out
