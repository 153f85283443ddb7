"""What the applicant's progress view shows as "next": who acts (a department's name) and by when.

Human tasks and jobs carry their due dates in the indexed tables. A message wait (e.g. 吉事办's formal launch)
has none: its catch event may name the expected party and the date in extension properties
(``department``, ``due``: an ISO date or an expression over the case's variables); only then is the case
loaded to evaluate it. Message names (internal correlation keys) are never shown.

A user task may word its step for the applicant in a ``progress_text`` property whose placeholders name the case's
variables by dotted path, e.g. ``请于{contact_housing_fund_withdrawal.appointment_date}到{contact_housing_fund_withdrawal.place}办理``
for an appointment at a window; the step then carries that ``text`` (filled from the task's data) in place of
"by whom, by when". A placeholder with no value leaves the step as the other tasks' are.
"""
from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from .runtime.mirror import parse_due


def department_name(names: dict, codes) -> str | None:
    """'employer,archive_agency' or ['hrss'] → '用人单位、流动人员档案托管机构' (the code when no name is set)."""
    if isinstance(codes, str):
        codes = codes.split(",")
    shown = [names.get(c.strip(), c.strip()) for c in codes or [] if c and c.strip()]
    return "、".join(dict.fromkeys("、".join(shown).split("、"))) or None   # each word once (community names township's)


def _activity_properties(pspec, activity_id: str) -> dict:
    """The element's camunda:properties, with ``department`` defaulting to a literal ``department`` input (as
    contact.person takes it)."""
    for spec in [pspec.spec, *pspec.subprocess_specs.values()]:
        ts = spec.task_specs.get(activity_id)
        if ts is not None:
            ext = getattr(ts, "extensions", None) or {}
            props = dict(ext.get("properties") or {})
            given = (ext.get("inputs") or {}).get("department")
            if given and "${" not in given:
                props.setdefault("department", given)
            return props
    return {}


def _task_label(t) -> str:
    """The task's name, with the mark of a declaration made later than 6 months before retirement."""
    summary = t.summary or {}
    if summary.get("declaration_late"):
        return f"{t.name}（单位逾期申报：应于{summary.get('declaration_due')}前申报）"
    return t.name


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")


def fill_text(template: str, data: dict) -> str | None:
    """'请于{a.date}到{a.place}办理' with the values at those dotted paths of ``data`` → the text (a date or an ISO
    instant as its day); None when a placeholder has no value. No expression is evaluated."""
    missing = []

    def value(match):
        v = data
        for key in match.group(1).split("."):
            v = v.get(key) if isinstance(v, dict) else None
        if isinstance(v, date):
            v = v.isoformat()
        if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", v):
            v = v[:10]
        if v is None or v == "" or isinstance(v, (dict, list)):
            missing.append(match.group(1))
            return ""
        return str(v)
    text = _PLACEHOLDER.sub(value, template)
    return None if missing else text


def task_texts(engine, session, row, tasks, pspec) -> dict:
    """{human task id: its ``progress_text`` filled from the task's data}, for the open tasks whose element has one
    (the case is loaded only then)."""
    worded = {t.id: template for t in tasks
              if (template := _activity_properties(pspec, t.activity_id).get("progress_text"))}
    if not worded:
        return {}
    _row, wf, _pspec, _se = engine.load(session, row.id, row=row)
    out = {}
    for task_id, template in worded.items():
        task = wf.get_task_from_id(UUID(task_id))
        text = fill_text(template, task.data) if task is not None else None
        if text:
            out[task_id] = text
    return out


def next_steps(engine, session, row, tasks, jobs, subscriptions, texts: dict | None = None) -> list[dict]:
    """``texts``: the tasks' ``task_texts`` when the caller has them already."""
    names = engine.localities.settings(row.locality).get("departments") or {}
    pspec = engine.process_spec(session, row) if tasks or jobs or subscriptions else None
    if texts is None:
        texts = task_texts(engine, session, row, tasks, pspec) if tasks else {}
    out = [{"type": "task", "name": _task_label(t), "department": department_name(names, t.candidate_groups),
            "due": t.due_at, "text": texts.get(t.id)} for t in tasks]
    for j in jobs:
        props = _activity_properties(pspec, j.activity_id)
        dept = props.get("department") or (j.topic or "").split(".")[0] or None
        if dept not in names and not props.get("department"):
            dept = None  # a technical topic (notification, contact) is no department
        kind = "timer" if j.kind == "timer" else ("incident" if j.status == "incident" else "processing")
        out.append({"type": kind, "name": j.activity_name, "department": department_name(names, [dept] if dept else []),
                    "due": j.due_at})
    if subscriptions:
        _row, wf, _pspec, se = engine.load(session, row.id, row=row)
        now = engine.now()
        for s in subscriptions:
            task = wf.get_task_from_id(UUID(s.task_id))
            spec = task.task_spec if task is not None else None
            props = dict(((getattr(spec, "extensions", None) or {}).get("properties")) or {}) if spec else {}
            due = None
            if props.get("due") and task is not None:
                due = parse_due(se.due_date(task.data, props["due"], now))
            label = (getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None)) if spec else None
            dept = props.get("department")
            out.append({"type": "message", "name": label or "等待外部办理结果",
                        "department": department_name(names, [dept] if dept else []), "due": due})
    return out
