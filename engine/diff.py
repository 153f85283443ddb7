"""What changed between two versions of a definition: elements added, removed and changed, by id."""
from __future__ import annotations

import json

from .parsed import parsed


def _xml_elements(kind: str, content: str) -> dict[str, dict]:
    return parsed(kind, content).elements


def _form_elements(kind: str, content: str) -> dict[str, dict]:
    return parsed(kind, content).derived("diff", lambda: _read_form_elements(content))


def _read_form_elements(content: str) -> dict[str, dict]:
    out = {}

    def walk(components):
        for c in components or []:
            cid = c.get("id") or c.get("key")
            if cid:
                flat = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else str(v)
                        for k, v in c.items() if k not in ("id", "components")}
                out[cid] = {"type": c.get("type", ""), "name": c.get("label") or c.get("key") or "", "attrs": flat}
            walk(c.get("components"))

    walk(json.loads(content).get("components"))
    return out


def diff_definitions(kind: str, old: str, new: str) -> dict:
    read = _form_elements if kind == "form" else _xml_elements
    a, b = read(kind, old), read(kind, new)
    added = [{"id": k, "type": b[k]["type"], "name": b[k]["name"]} for k in sorted(set(b) - set(a))]
    removed = [{"id": k, "type": a[k]["type"], "name": a[k]["name"]} for k in sorted(set(a) - set(b))]
    changed = []
    for k in sorted(set(a) & set(b)):
        before, after = a[k]["attrs"], b[k]["attrs"]
        changes = [f"{attr}: {before.get(attr, '∅')} → {after.get(attr, '∅')}"
                   for attr in sorted(set(before) | set(after)) if before.get(attr) != after.get(attr)]
        if a[k]["type"] != b[k]["type"]:
            changes.insert(0, f"type: {a[k]['type']} → {b[k]['type']}")
        if changes:
            changed.append({"id": k, "type": b[k]["type"], "name": b[k]["name"], "changes": changes})
    return {"added": added, "removed": removed, "changed": changed}
