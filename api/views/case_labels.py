"""The words a person reads about a case — state, channel, joint item, department, history — from the locality's
settings (``labels``, ``items``, ``departments``) in the request's language; codes when no word is set."""
from __future__ import annotations

from engine.progress_next import department_name

from ..i18n import lang, pick


class CaseWords:
    def __init__(self, settings: dict, language: str | None = None):
        self.settings, self.language = settings, language or lang()
        labels = settings.get("labels") or {}
        self._labels = {part: {lg: (labels.get(lg) or {}).get(part) or {} for lg in ("zh", "en")}
                        for part in ("case_states", "item_states", "channels", "next", "history")}
        self.departments = settings.get("departments") or {}
        self.catalog = settings.get("items") or []

    def _word(self, part: str, code) -> str | None:
        return None if code is None else pick(self._labels[part], str(code), self.language)

    def case_state(self, code):
        return self._word("case_states", code)

    def item_state(self, code):
        return self._word("item_states", code)

    def channel(self, code):
        return self._word("channels", code)

    def history(self, code):
        return self._word("history", code)

    def next_kind(self, code):
        return self._word("next", code)

    def department(self, codes) -> str | None:
        return department_name(self.departments, codes)

    def item_name(self, code: str) -> str:
        return next((e.get("name") or code for e in self.catalog if e.get("code") == code), code)

    def item_department(self, code: str) -> str | None:
        return next((e.get("department") for e in self.catalog if e.get("code") == code), None)


def joint_items(words: CaseWords, stored: dict, case_status: str) -> list[dict]:
    """The locality's catalogue of joint items with each one's state on this case, then any other stored item."""
    out = []
    for entry in words.catalog:
        code = entry["code"]
        row = stored.get(code)
        state = row.state if row else ("pending" if case_status == "running" else "not_applicable")
        dept = (row.department if row else None) or entry.get("department")
        out.append({"item": code, "item_name": entry.get("name") or code, "department": dept,
                    "department_name": words.department([dept] if dept else []), "state": state,
                    "state_label": words.item_state(state), "result": (row.result if row else None) or {},
                    "completed_at": row.completed_at if row else None})
    known = {e["code"] for e in words.catalog}
    for code, row in stored.items():
        if code not in known:
            out.append({"item": code, "item_name": code, "department": row.department,
                        "department_name": words.department([row.department]), "state": row.state,
                        "state_label": words.item_state(row.state), "result": row.result or {},
                        "completed_at": row.completed_at})
    return out
