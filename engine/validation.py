"""Deploy-time checks: the same list for the modeler, the API, ``retire deploy --check`` and every deploy.

Each problem names the file, the element id and the reason.
"""
from __future__ import annotations

import string
from datetime import datetime, timezone

from lxml import etree

from .bpmn.expressions import DUE_DATE_KINDS, TIMER_KINDS, InvalidTimeValue, check_time_value
from .bpmn.interpreter import BudgetExceeded, ExpressionError, ExpressionSyntaxError, check_expression, check_script
from .definitions import DefinitionFile, identify
from .errors import InvalidDefinition
from .form_checks import check_form
from .parsed import BPMN_NS, decisions, parsed as parsed_form
from .specs import parse_process

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
DEPARTMENTS = ("hrss", "social_insurance", "medical_insurance", "housing_fund", "public_security", "health",
               "data_bureau", "employer", "archive_agency", "community", "township", "bank_window")
SUPPORTED = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
             "userTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask", "scriptTask", "manualTask",
             "task", "process", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
             "subProcess", "callActivity", "sequenceFlow", "laneSet", "lane", "extensionElements",
             "documentation", "dataObject", "dataObjectReference", "dataStoreReference", "textAnnotation",
             "association", "ioSpecification", "property", "transaction", "multiInstanceLoopCharacteristics",
             "standardLoopCharacteristics", "incoming", "outgoing", "timerEventDefinition",
             "messageEventDefinition", "errorEventDefinition", "signalEventDefinition",
             "terminateEventDefinition", "escalationEventDefinition", "conditionalEventDefinition",
             "cancelEventDefinition", "linkEventDefinition", "compensateEventDefinition",
             "conditionExpression", "timeDate", "timeDuration", "timeCycle", "dataInputAssociation",
             "dataOutputAssociation", "group", "category", "categoryValue", "loopCardinality",
             "completionCondition", "script", "flowNodeRef", "childLaneSet", "condition", "sourceRef",
             "targetRef", "text", "dataInput", "dataOutput", "inputSet", "outputSet", "dataInputRefs",
             "dataOutputRefs", "loopDataInputRef", "loopDataOutputRef", "inputDataItem", "outputDataItem"}


def _p(file, element, message, severity="error"):
    return {"file": file, "element_id": element, "message": message, "severity": severity}


def validate_files(engine, session, locality: str, files: list[DefinitionFile]) -> list[dict]:
    problems: list[dict] = []
    batch = {"bpmn": {}, "dmn": {}, "form": {}}
    for f in files:
        if f.kind is None:
            problems.append(_p(f.name, None, "expected a .bpmn, .dmn or form .json file"))
            continue
        try:
            key, _name, extra = identify(f)
        except InvalidDefinition as exc:
            problems.extend({**p, "severity": "error"} for p in exc.problems)
            continue
        for k in [key, *extra]:
            batch[f.kind][k] = f
    seq = engine.definitions.latest_seq(session)

    def resolves(kind, key):
        return key in batch[kind] or engine.definitions.resolve(session, kind, key, locality, seq) is not None

    for f in files:
        if f.kind == "bpmn" and f.name not in {p["file"] for p in problems}:
            problems.extend(_check_bpmn(engine, session, locality, seq, f, batch, resolves))
        elif f.kind == "dmn" and f.name not in {p["file"] for p in problems}:
            problems.extend(_check_dmn(f))
        elif f.kind == "form" and f.name not in {p["file"] for p in problems}:
            problems.extend(_check_form(f))
    return problems


def _check_bpmn(engine, session, locality, seq, f, batch, resolves) -> list[dict]:
    parsed = f.parsed
    out = []
    for item in _bpmn_checks(parsed):   # content-only problems, and what the engine and locality must have
        if isinstance(item, dict):
            out.append({**item, "file": f.name})
        else:
            need, eid, value = item
            if need == "handler" and engine.handlers and value not in engine.handlers:
                out.append(_p(f.name, eid, f"no handler is registered for topic '{value}'"))
            elif need == "form" and not resolves("form", value):
                out.append(_p(f.name, eid, f"form '{value}' is not deployed for this locality or its parents"))
            elif need == "dmn" and not resolves("dmn", value):
                out.append(_p(f.name, eid, f"decision '{value}' is not deployed for this locality or its parents"))
    out.extend(_check_sms_templates(engine, locality, f.name, _sms_uses(parsed)))
    if out or not parsed.executable:
        return out
    files = [(f.name, parsed)]
    own = {p.get("id") for p in parsed.processes}
    for called, call_id in parsed.calls:
        if called in own:
            continue
        other = batch["bpmn"].get(called)
        if other is not None:
            files.append((other.name, other.parsed))
        else:
            d = engine.definitions.resolve(session, "bpmn", called, locality, seq)
            if d is None:
                out.append(_p(f.name, call_id, f"called process '{called}' is not deployed for {locality} or its parents"))
                continue
            files.append((d.file_name, parsed_form("bpmn", d.content, d.content_hash)))
    if out:
        return out
    for proc in parsed.executable:
        try:
            parse_process(proc.get("id"), files)
        except InvalidDefinition as exc:
            out.extend({**p, "severity": "error"} for p in exc.problems)
    return out


def _bpmn_checks(parsed) -> list:
    """The checks of a BPMN file that its content alone decides, once per content: problems (``file`` left for
    the caller) in document order, with ``(need, element id, value)`` where the answer depends on the engine
    (a handler for a topic) or the locality (a deployed form or decision)."""
    return parsed.derived("checks", lambda: _read_bpmn_checks(parsed.root, parsed.processes, parsed.executable))


def _read_bpmn_checks(root, processes, executable) -> list:
    out = []
    if not executable:
        out.append(_p(None, processes[0].get("id") if processes else None,
                      'no process is marked executable (isExecutable="true"); there is nothing to run'))
    for retrieval in root.iter(f"{{{BPMN_NS}}}correlationPropertyRetrievalExpression"):
        for expr in retrieval:
            if isinstance(expr.tag, str) and etree.QName(expr).localname in ("formalExpression", "messagePath"):
                out.extend(_expr(None, retrieval.getparent().get("id"), expr.text or "", "correlation"))
    for proc in processes:
        for el in proc.iter():
            if not isinstance(el.tag, str):
                continue
            qn = etree.QName(el)
            if qn.namespace == BPMN_NS and qn.localname not in SUPPORTED:
                out.append(_p(None, el.get("id") or proc.get("id"), f"bpmn:{qn.localname} is not supported by the engine"))
            if qn.namespace != BPMN_NS:
                continue
            out.extend(_check_element(None, qn.localname, el))
    return out


RESERVED_IDS = {"Start", "End", "Root"}

# the SMS templates a topic sends whatever its inputs say
TOPIC_TEMPLATES = {"notification.notify_upcoming": ("notify_upcoming",),
                   "contact.person": ("contact_online", "contact_offline")}


def _sms_uses(parsed) -> list[tuple[str, list[str]]]:
    """(service task id, the SMS template names it sends) for every service task of the file."""
    def read():
        out = []
        for proc in parsed.processes:
            for el in proc.iter(f"{{{BPMN_NS}}}serviceTask"):
                topic = el.get(f"{{{CAMUNDA_NS}}}topic") or ""
                names = list(TOPIC_TEMPLATES.get(topic, ()))
                for param in el.iter(f"{{{CAMUNDA_NS}}}inputParameter"):
                    text = (param.text or "").strip()
                    if param.get("name") == "template" and text and not text.startswith(("${", "#{")):
                        names.append(text)
                out.append((el.get("id"), names))
        return out

    return parsed.derived("sms", read)


def _check_sms_templates(engine, locality, file, uses) -> list[dict]:
    """Every SMS template a diagram sends exists in the locality's settings.yaml (sms.templates) and each of its
    {placeholders} is one the senders fill (sms.placeholders): a typo or an unknown field is refused here,
    not sent as an empty or literal "{month}" to the person."""
    try:
        sms = (engine.localities.settings(locality) or {}).get("sms") or {}
    except KeyError:   # a locality not loaded yet has no templates to check against
        return []
    templates, known = sms.get("templates") or {}, set(sms.get("placeholders") or ())
    out = []
    for eid, names in uses:
        for name in names:
            if name not in templates:
                out.append(_p(file, eid, f"SMS template '{name}' is not in sms.templates of {locality}"))
                continue
            unknown = sorted({field for _, field, _, _ in string.Formatter().parse(templates[name])
                              if field is not None} - known) if known else []
            if unknown:
                out.append(_p(file, eid, f"SMS template '{name}' of {locality} has placeholders no "
                                         f"sender fills: {', '.join('{' + u + '}' for u in unknown)} "
                                         f"(sms.placeholders lists the known ones)"))
    return out


def _check_element(file, tag, el) -> list:
    """Problems of one element, and ``(need, element id, value)`` for what the engine or locality decides."""
    out = []
    eid = el.get("id")
    if eid in RESERVED_IDS:
        out.append(_p(file, eid, f"the id '{eid}' is reserved by the engine; rename the element (e.g. {eid}Event_1)"))
    cam = lambda name: el.get(f"{{{CAMUNDA_NS}}}{name}")  # noqa: E731
    if tag == "serviceTask" or tag == "sendTask":
        topic = cam("topic")
        if cam("type") != "external" or not topic:
            out.append(_p(file, eid, 'a service task needs camunda:type="external" and camunda:topic'))
        else:
            out.append(("handler", eid, topic))
    if tag == "userTask":
        for g in [g.strip() for g in (cam("candidateGroups") or "").split(",") if g.strip()]:
            if g not in DEPARTMENTS:
                out.append(_p(file, eid, f"candidate group '{g}' is not a department code ({', '.join(DEPARTMENTS)})"))
        if cam("dueDate"):
            out.extend(_expr(file, eid, cam("dueDate"), "due date", DUE_DATE_KINDS))
    if tag in ("userTask", "startEvent") and cam("formRef"):
        out.append(("form", eid, cam("formRef")))
    if tag == "businessRuleTask":
        ref = cam("decisionRef")
        if not ref:
            out.append(_p(file, eid, "a business rule task needs camunda:decisionRef"))
        else:
            out.append(("dmn", eid, ref))
    if tag in ("timeDate", "timeDuration", "timeCycle"):
        parent = el.getparent().getparent()
        is_start = etree.QName(parent).localname == "startEvent"
        text = (el.text or "").strip()
        if is_start:
            out.extend(_start_timer(file, parent.get("id"), tag, text))
        else:
            out.extend(_expr(file, parent.get("id"), text, "timer", TIMER_KINDS[tag]))
    if tag == "conditionExpression":
        parent_id = el.getparent().get("id")
        out.extend(_expr(file, parent_id, el.text or "", "condition"))
    if tag == "condition" and etree.QName(el.getparent()).localname == "conditionalEventDefinition":
        out.extend(_expr(file, el.getparent().getparent().get("id"), el.text or "", "condition"))
    if tag in ("loopCardinality", "completionCondition"):
        what = "loop cardinality" if tag == "loopCardinality" else "completion condition"
        out.extend(_expr(file, el.getparent().getparent().get("id"), el.text or "", what))
    if tag == "script":
        out.extend(_script(file, el.getparent().get("id"), el.text or ""))
    if tag == "messageEventDefinition" and cam("expression"):
        out.extend(_expr(file, el.getparent().get("id"), cam("expression"), "message payload"))
    for param in el.iterfind(f"./{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}inputOutput/"
                             f"{{{CAMUNDA_NS}}}inputParameter"):
        text = (param.text or "").strip()
        if text.startswith("${") and text.endswith("}"):
            out.extend(_expr(file, eid, text, f"input parameter '{param.get('name')}'"))
    return out


def _expr(file, eid, text, what, time_kinds=None) -> list[dict]:
    """Problems of an expression; with ``time_kinds``, of a value that may also be an ISO 8601 literal."""
    try:
        if time_kinds:
            check_time_value(text, time_kinds)
        else:
            check_expression(text)
    except InvalidTimeValue as exc:
        return [_p(file, eid, f"the {what} value {exc}")]
    except ExpressionError as exc:
        return [_p(file, eid, _reason(f"the {what} expression", exc, text))]
    return []


def _script(file, eid, text) -> list[dict]:
    try:
        check_script(text)
    except ExpressionError as exc:
        return [_p(file, eid, _reason("the script", exc, text))]
    return []


def _reason(what: str, exc: ExpressionError, text: str) -> str:
    shown = text.strip() if len(text.strip()) <= 120 else text.strip()[:117] + "..."
    if isinstance(exc, ExpressionSyntaxError):
        return f"{what} does not compile: {exc.msg} in {shown!r}"
    if isinstance(exc, BudgetExceeded):
        return f"{what} exceeds the evaluation limits: {exc} in {shown!r}"
    return f"{what} is not allowed: {exc}"


def _start_timer(file, eid, tag, text) -> list[dict]:
    """A timer start event is fired by the scheduler (engine.timer_starts) from an ISO 8601 value."""
    from .timer_starts import fire_times, start_timer_value

    if tag == "timeDuration":
        return [_p(file, eid, "a timer start event fires on a timeCycle (R[n]/<start>/<period> or R[n]/<period>) "
                              "or a timeDate; a timeDuration is not supported")]
    epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
    try:
        fire_times(tag, start_timer_value(text), None, epoch, deployed_at=epoch)
    except (ValueError, TypeError):
        wanted = "an ISO 8601 date-time" if tag == "timeDate" else "an ISO 8601 cycle R[n]/<start>/<period> or R[n]/<period>"
        return [_p(file, eid, f"the timer start value {text!r} is not {wanted}")]
    return []


def _check_dmn(f) -> list[dict]:
    return [dict(p) for p in f.parsed.derived(("dmn checks", f.name), lambda: _read_dmn_checks(f))]


def _read_dmn_checks(f) -> list[dict]:
    from .dmn.errors import DecisionError

    try:
        found = decisions(f.parsed, f.name).values()
    except DecisionError as exc:
        return [_p(f.name, getattr(exc, "element_id", None) or getattr(exc, "decision_id", None), str(exc))]
    except Exception as exc:  # a file the DMN reader cannot make sense of
        return [_p(f.name, None, f"cannot read the decision table: {exc}")]
    out = []
    for d in found:
        for problem in d.problems():
            out.append(_p(f.name, getattr(problem, "element_id", None) or d.id, getattr(problem, "message", str(problem))))
    return out


def _check_form(f) -> list[dict]:
    """Form-js forms are checked in engine.form_checks (types, rules, RE2 patterns, FEEL conditions, keys)."""
    return [dict(p) for p in f.parsed.derived(("form checks", f.name), lambda: check_form(f.name, f.content))]
