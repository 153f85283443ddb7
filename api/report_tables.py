"""The report tables, built once for both their JSON and their XLSX form: columns (key and Chinese label) and rows
with codes *and* names (departments, items, localities, submitting offices from the localities' settings)."""
from __future__ import annotations

from datetime import date, timedelta

from engine import report_queries as rq
from handlers.personal import mask_id, mask_name, mask_phone

COMPLETION_COLUMNS = [("month", "月份"), ("locality", "地区代码"), ("locality_name", "地区"),
                      ("department", "部门代码"), ("department_name", "责任部门"), ("item", "事项代码"),
                      ("item_name", "联办事项"), ("completed", "办结数量")]
OVERDUE_COLUMNS = [("department", "部门代码"), ("department_name", "部门"), ("locality", "地区代码"),
                   ("locality_name", "地区"), ("open", "在办任务"), ("overdue", "逾期任务"), ("oldest_due", "最早到期")]
BATCH_COLUMNS = [("month", "受理月份"), ("locality", "地区代码"), ("locality_name", "地区"), ("batch_group", "报送组"),
                 ("batch_group_name", "报送机构"), ("submit_by", "报送截止"), ("accepted", "受理件数"),
                 ("submitted", "已报送件数"), ("submitted_at", "报送时间")]
COLLECTION_COLUMNS = [("seq", "序号"), ("name", "姓名"), ("id_number", "公民身份号码"), ("birth_date", "出生日期"),
                      ("retirement_date", "法定退休时间"), ("channel_name", "申报渠道"), ("items", "申请联办事项"),
                      ("application_form_received", "申请表"), ("personnel_file_received", "人事档案等材料"),
                      ("file_pages", "档案页数"), ("phone", "联系电话"), ("office", "受理机构"),
                      ("accepted_on", "受理日期"), ("business_key", "业务编号")]
UPCOMING_COLUMNS = [("seq", "序号"), ("name", "姓名"), ("id_number", "公民身份号码"), ("birth_date", "出生日期"),
                    ("retirement_month", "到龄月份"), ("phone", "联系电话"), ("locality", "参保地"),
                    ("category", "人员类别")]
PUSHED_COLUMNS = [("seq", "序号"), ("item_name", "联办事项"), ("name", "姓名"), ("id_number", "公民身份号码"),
                  ("phone", "联系电话"), ("channel_name", "申报渠道"), ("pushed_at", "推送时间"), ("state", "办理状态"),
                  ("completed_at", "办结时间"), ("business_key", "业务编号")]
ITEM_STATES = {"done": "已办结", "in_progress": "办理中", "pending": "待办理", "failed": "未办成",
               "not_applicable": "不适用"}
CATEGORIES = {"male": "男职工", "female_worker": "女职工", "female_staff": "女管理岗位"}


def columns(spec) -> list[dict]:
    return [{"key": k, "label": label} for k, label in spec]


def month_range(first: str, last: str) -> list[str]:
    out, y, m = [], int(first[:4]), int(first[5:7])
    while f"{y:04d}-{m:02d}" <= last and len(out) < 120:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


class Names:
    """Chinese names of codes, from the locality's merged settings (a locality may rename them)."""

    def __init__(self, eng, locality: str):
        self.eng, self.locality = eng, locality
        settings = eng.runtime.localities.settings(locality)
        self.departments = settings.get("departments") or {}
        self.reports = settings.get("reports") or {}
        self._catalogs: dict[str, dict] = {}
        self._items: dict[tuple, str] = {}

    def locality_name(self, code: str | None) -> str:
        info = self.eng.runtime.localities.all().get(code or "")
        return info.name if info else (code or "")

    def department(self, code: str) -> str:
        return self.departments.get(code, code)

    def item(self, code: str, locality: str | None = None) -> str:
        found = self._items.get((code, locality))
        if found is None:
            loc = locality if locality in self.eng.runtime.localities.all() else self.locality
            if loc not in self._catalogs:
                self._catalogs[loc] = self.eng.runtime.localities.item_catalog(loc)
            found = self._items[(code, locality)] = (self._catalogs[loc].get(code) or {}).get("name", code)
        return found

    def batch_group(self, code: str) -> str:
        return (self.reports.get("batch_group_names") or {}).get(code, code)

    def channel(self, code: str | None) -> str:
        return (self.reports.get("channel_names") or {}).get(code or "", code or "")


def item_departments(eng, locality: str) -> list[dict]:
    """The departments of the locality's joint items, with their items: [{code, name, items: [{key, label}]}]."""
    names, out = Names(eng, locality), {}
    for code, item in eng.runtime.localities.item_catalog(locality).items():
        dept = item.get("department") or ""
        entry = out.setdefault(dept, {"code": dept, "name": names.department(dept), "items": []})
        entry["items"].append({"key": code, "label": item.get("name", code)})
    return list(out.values())


def completion_rows(eng, session, scope_like: str, locality: str, first: str, last: str) -> list[dict]:
    names = Names(eng, locality)
    return [{**r, "locality_name": names.locality_name(r["locality"]), "department_name": names.department(r["department"]),
             "item_name": names.item(r["item"], r["locality"])}
            for r in rq.monthly_completions(session, scope_like, first, last)]


def overdue_rows(eng, session, scope_like: str, locality: str) -> list[dict]:
    names = Names(eng, locality)
    overdue = {(r["department"], r["locality"]): r for r in rq.overdue_by_department(session, scope_like, eng.runtime.now())}
    out = []
    for (dept, loc), n in sorted(rq.open_by_department(session, scope_like).items()):
        late = overdue.get((dept, loc)) or {}
        due = late.get("oldest_due")
        out.append({"department": dept, "department_name": names.department(dept), "locality": loc,
                    "locality_name": names.locality_name(loc), "open": n, "overdue": late.get("overdue", 0),
                    "oldest_due": _stamp(due)})
    return out


def _submit_by(eng, session, locality: str, group: str, month: str):
    """The submission deadline day of a batch (batch_submission.dmn, next month), where the locality has one."""
    from engine.errors import EngineError

    try:
        day = (eng.runtime.decisions.decide("batch_submission", locality, {"batch_group": group}, session=session) or {})["submit_by_day"]
    except (EngineError, KeyError, TypeError):  # a locality without monthly batches (Jilin), a group it does not list
        return None
    if day is None:
        return None
    y, m = int(month[:4]), int(month[5:7])
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return date(y, m, int(day)).isoformat()


def batch_rows(eng, session, scope_like: str, locality: str, month: str) -> list[dict]:
    names = Names(eng, locality)
    out = []
    for r in rq.batch_summary(session, scope_like, month):
        at = r["submitted_at"]
        out.append({"month": month, "locality": r["locality"], "locality_name": names.locality_name(r["locality"]),
                    "batch_group": r["batch_group"], "batch_group_name": names.batch_group(r["batch_group"]),
                    "submit_by": _submit_by(eng, session, r["locality"], r["batch_group"], month),
                    "accepted": r["accepted"], "submitted": r["submitted"],
                    "submitted_at": _stamp(at)})
    return out


def _yes(value) -> str:
    return "" if value is None else ("已收" if value else "未收")


def collection_rows(eng, session, scope_like: str, locality: str, month: str, groups, *, whole: bool) -> list[dict]:
    names = Names(eng, locality)
    out = []
    for i, r in enumerate(rq.batch_rows(session, scope_like, month, groups), start=1):
        rec = r["recorded"]
        items = rec.get("joint_items") or r["items"]
        out.append({
            "seq": i, "name": _person(r["name"], mask_name, whole), "id_number": _person(r["id_number"], mask_id, whole),
            "birth_date": r["birth_date"].isoformat() if r["birth_date"] else None,
            "retirement_date": r["retirement_date"], "channel_name": names.channel(r["channel"]),
            "items": [names.item(c, r["locality"]) for c in items],  # a cell "a、b、c" in XLSX, a line each in PDF
            "application_form_received": _yes(rec.get("application_form_received")),
            "personnel_file_received": _yes(rec.get("personnel_file_received")),
            "file_pages": rec.get("file_pages"), "phone": _person(r["phone"], mask_phone, whole),
            "office": f"{names.locality_name(r['locality'])} {names.batch_group(r['batch_group'])}",
            "accepted_on": r["accepted_on"].isoformat() if r["accepted_on"] else None,
            "business_key": r["business_key"]})
    return out


def upcoming_rows(persons: list[dict], *, whole: bool) -> list[dict]:
    return [{"seq": i, "name": _person(p["name"], mask_name, whole), "id_number": _person(p["id_number"], mask_id, whole),
             "birth_date": p.get("birth_date"), "retirement_month": p["retirement_month"],
             "phone": _person(p.get("phone"), mask_phone, whole), "locality": p["locality"],
             "category": CATEGORIES.get(p["category"], p["category"])} for i, p in enumerate(persons, start=1)]


def pushed_rows(eng, session, scope_like: str, locality: str, month: str, department: str, *, whole: bool):
    names = Names(eng, locality)
    out = []
    for i, r in enumerate(rq.pushed_rows(session, scope_like, month, department), start=1):
        out.append({"seq": i, "item": r["item"], "item_name": names.item(r["item"], r["locality"]),
                    "name": _person(r["name"], mask_name, whole), "id_number": _person(r["id_number"], mask_id, whole),
                    "phone": _person(r["phone"], mask_phone, whole), "channel_name": names.channel(r["channel"]),
                    "pushed_at": _stamp(r["pushed_at"]), "state": ITEM_STATES.get(r["state"], r["state"]),
                    "completed_at": _stamp(r["completed_at"]), "business_key": r["business_key"]})
    return out


def _stamp(at):
    """A stored instant (UTC; naive from SQLite) as Beijing time, to the minute."""
    if at is None:
        return None
    from datetime import timezone

    from engine.clock import SHANGHAI
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _person(value, mask, whole: bool):
    if value is None:
        return None
    return value if whole else mask(value)


def as_sheet(name: str, title: str, spec, rows: list[dict]):
    return (name, title, [label for _k, label in spec], [[r.get(k) for k, _l in spec] for r in rows])


def previous_month(today: date) -> str:
    last = today.replace(day=1) - timedelta(days=1)
    return last.strftime("%Y-%m")
