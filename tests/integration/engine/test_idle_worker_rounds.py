"""A worker's round that finds nothing to do stays cheap: one statement to learn no job is due, two to learn no
timer start is due (the processes with timer start events are read again only after a deployment)."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from engine.definitions import DefinitionFile
from engine.store.models import Instance

DAILY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_daily" targetNamespace="t">
  <bpmn:process id="daily_probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1">
      <bpmn:timerEventDefinition><bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


@contextmanager
def _statements(eng):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    sa.event.listen(eng.runtime.db, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(eng.runtime.db, "before_cursor_execute", note)


def test_a_poll_that_finds_no_due_job_is_one_statement(eng):
    eng.run_due_jobs()  # a process's first poll also looks for leases that ran out
    with _statements(eng) as seen:
        assert eng.run_due_jobs() == 0
    assert len(seen) == 1 and seen[0].startswith("WITH picked AS"), seen


def test_an_idle_round_of_timer_starts_reads_no_definition_until_the_next_deployment(eng, clock):
    eng.fire_timer_starts()
    with _statements(eng) as seen:
        assert eng.fire_timer_starts() == []
    assert len(seen) == 2 and not any("definitions" in s for s in seen), seen

    eng.deploy("340722", [DefinitionFile("daily_probe.bpmn", DAILY)], "test", "a daily timer start")
    clock.advance(days=1, minutes=1)
    started = eng.fire_timer_starts()
    with eng.runtime.reading() as s:
        keys = s.scalars(sa.select(Instance.process_key).where(Instance.id.in_(started))).all()
    assert keys == ["daily_probe"], "the deployment's timer start fires once it is due"
