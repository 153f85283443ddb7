"""Timer definitions and due dates: an ISO 8601 literal is the literal (as Camunda 7 reads it); anything else
is a Python expression over the case's variables."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from io import BytesIO

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.bpmn.expressions import (DUE_DATE_KINDS, TIMER_KINDS, InvalidTimeValue, check_time_value, iso_literal,
                                     timer_expression)
from engine.bpmn.interpreter import evaluate_expression
from engine.bpmn.parser import RetireParser
from engine.bpmn.script_engine import CaseScriptEngine
from engine.clock import SHANGHAI, FakeClock, install_clock_hook, using
from engine.runtime.mirror import parse_due, timer_due

NOW = datetime(2027, 1, 31, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("text, kind", [
    ("PT5M", "duration"), ("P1D", "duration"), ("P1Y2M10DT2H30M", "duration"), ("PT1.5S", "duration"),
    ("P2W", "duration"), ("2027-01-01", "date"), ("2027-01-01T09:00:00+08:00", "datetime"),
    ("2027-01-01T01:00:00Z", "datetime"), ("2027-01-01T09:00:00", "datetime"), ("R3/PT10M", "cycle"),
    ("R/P1D", "cycle"), ("R/2027-01-01T09:00:00+08:00/P1M", "cycle"), (" P1D ", "duration"),
])
def test_iso_8601_values_as_camunda_users_type_them_are_literals(text, kind):
    assert iso_literal(text) == kind
    assert evaluate_expression(timer_expression(text), {}, {}) == text.strip()  # the string literal Spiff evaluates


@pytest.mark.parametrize("text", [
    "at(window_opens, 0, 0)", '"PT5M"', "${PT5M}", "${deadline(period, 5)}", "add_workdays(today(), 5)",
    "P", "PT", "P1DT", "P1W2D", "2027-13-01", "2027-02-30", "R3PT10M", "R3/2027-01-01", "window_opens",
])
def test_anything_else_stays_an_expression(text):
    assert iso_literal(text) is None
    assert timer_expression(text) == text


def _timer_process(tag: str, value: str) -> BytesIO:
    return BytesIO(f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="Wait"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:{tag}>{value}</bpmn:{tag}></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="End_1"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>""".encode())


def _waiting_timer(tag: str, value: str, variables: dict | None = None):
    """Run a one-timer process at NOW; return the waiting timer task (after the engine's first step)."""
    install_clock_hook()
    parser = RetireParser()
    parser.add_bpmn_io(_timer_process(tag, value), "timer.bpmn")
    wf = BpmnWorkflow(parser.get_spec("p"), script_engine=CaseScriptEngine(decide=lambda *_: {}))
    with using(FakeClock(NOW)):
        for t in wf.get_tasks(state=TaskState.READY):
            t.data.update(variables or {})
        wf.do_engine_steps()
        wf.refresh_timers()
    waiting = [t for t in wf.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "Wait"]
    assert len(waiting) == 1
    return wf, waiting[0]


def test_an_unquoted_duration_waits_that_long_and_then_fires():
    wf, task = _waiting_timer("timeDuration", "PT5M")
    assert timer_due(task._get_internal_data("event_value")) == NOW + timedelta(minutes=5)
    with using(FakeClock(NOW + timedelta(minutes=5, seconds=1))):
        wf.refresh_timers()
        wf.do_engine_steps()
    assert wf.is_completed()


@pytest.mark.parametrize("value, due", [
    ("2027-03-01T09:00:00+08:00", datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI)),
    ("2027-03-01T01:00:00Z", datetime(2027, 3, 1, 1, 0, tzinfo=timezone.utc)),
    ("2027-03-01T09:00:00", datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI)),   # naive: Beijing time
    ("2027-03-01", datetime(2027, 3, 1, 0, 0, tzinfo=SHANGHAI)),            # a date alone: its midnight
])
def test_an_unquoted_date_or_date_time_fires_at_that_instant(value, due):
    _wf, task = _waiting_timer("timeDate", value)
    assert timer_due(task._get_internal_data("event_value")) == due


def test_a_python_expression_in_a_timer_keeps_working():
    _wf, task = _waiting_timer("timeDate", "at(window_opens, 0, 0)", {"window_opens": "2027-03-01"})
    assert timer_due(task._get_internal_data("event_value")) == datetime(2027, 3, 1, 0, 0, tzinfo=SHANGHAI)
    _wf, task = _waiting_timer("timeDuration", '"PT2H"')
    assert timer_due(task._get_internal_data("event_value")) == NOW + timedelta(hours=2)


def test_an_unquoted_cycle_repeats_from_now():
    _wf, task = _waiting_timer("timeCycle", "R3/PT10M")
    value = task._get_internal_data("event_value")
    assert value["cycles"] == 3
    assert timer_due(value) == NOW + timedelta(minutes=10)


def test_boundary_timers_read_literals_too():
    parser = RetireParser()
    parser.add_bpmn_io(BytesIO(b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Review"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:boundaryEvent id="Remind" attachedToRef="Review" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeCycle>R2/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="End_1"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Review" />
    <bpmn:sequenceFlow id="f2" sourceRef="Review" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>"""), "boundary.bpmn")
    spec = parser.get_spec("p")
    remind = next(ts for ts in spec.task_specs.values() if getattr(ts, "bpmn_id", None) == "Remind")
    assert remind.event_definition.expression == "'R2/P1D'"


@pytest.mark.parametrize("text, due", [
    ("P5D", NOW + timedelta(days=5)),
    ("PT4H", NOW + timedelta(hours=4)),
    ("P1M", datetime(2027, 2, 28, 10, 0, tzinfo=SHANGHAI)),     # calendar months, as Camunda 7 counts them
    ("2027-02-10", datetime(2027, 2, 10, 23, 59, 59, tzinfo=SHANGHAI)),   # due by the end of that day
    ("2027-02-10T17:30:00+08:00", datetime(2027, 2, 10, 17, 30, tzinfo=SHANGHAI)),
    ("${add_days(received_on, 3)}", datetime(2027, 2, 4, 23, 59, 59, tzinfo=SHANGHAI)),
    ("${review_period}", NOW + timedelta(days=2)),              # an expression giving a duration
])
def test_a_due_date_is_a_literal_date_a_duration_from_the_task_s_creation_or_an_expression(text, due):
    engine = CaseScriptEngine(decide=lambda *_: {})
    value = engine.due_date({"received_on": "2027-02-01", "review_period": "P2D"}, text, NOW.astimezone(timezone.utc))
    assert parse_due(value) == due


@pytest.mark.parametrize("text, kinds, message", [
    ("PT5X", TIMER_KINDS["timeDuration"], "'PT5X' is not a valid ISO 8601 duration"),
    ("R3/PT10X", TIMER_KINDS["timeCycle"], "'R3/PT10X' is not a valid ISO 8601 cycle"),
    ("PT5M", TIMER_KINDS["timeDate"], "'PT5M' is an ISO 8601 duration, not a date or datetime"),
    ("2027-01-01", TIMER_KINDS["timeDuration"], "'2027-01-01' is an ISO 8601 date, not a duration"),
    ("R3/PT10M", DUE_DATE_KINDS, "'R3/PT10M' is an ISO 8601 cycle, not a date or datetime or duration"),
])
def test_a_malformed_or_misplaced_literal_is_refused(text, kinds, message):
    with pytest.raises(InvalidTimeValue, match=message.replace("(", r"\(")):
        check_time_value(text, kinds)


def test_a_broken_expression_is_refused_and_good_values_pass():
    with pytest.raises(SyntaxError):
        check_time_value("at(window_opens, 0", TIMER_KINDS["timeDate"])
    for text, kinds in [("PT5M", TIMER_KINDS["timeDuration"]), ("2027-01-01", TIMER_KINDS["timeDate"]),
                        ("R/P1D", TIMER_KINDS["timeCycle"]), ("at(window_opens, 0, 0)", TIMER_KINDS["timeDate"]),
                        ("P5D", DUE_DATE_KINDS), ("${add_workdays(today(), 5)}", DUE_DATE_KINDS)]:
        check_time_value(text, kinds)
