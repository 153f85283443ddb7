"""Timer start events (e.g. Zongyang's quarterly notification): fired by the worker, once per time.

A cycle ``R[n]/<start>/<period>`` is expanded with calendar-true month arithmetic. Each firing is a
row with a unique (process, locality, fire time): when two workers race, one insert wins and only the
winner's transaction starts the case.
"""
from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.exc import IntegrityError
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .bpmn.expressions import unwrap
from .clock import SHANGHAI
from .definitions import BPMN_NS
from .store.models import Definition, TimerStart

log = logging.getLogger("retire.timers")


def start_timers(content: str) -> list[tuple[str, str]]:
    """(kind, expression) of each timer start event of the executable process."""
    root = etree.fromstring(content.encode("utf-8"))
    out = []
    for proc in root.findall(f"{{{BPMN_NS}}}process"):
        for start in proc.findall(f"{{{BPMN_NS}}}startEvent"):
            for timer in start.findall(f"{{{BPMN_NS}}}timerEventDefinition"):
                for kind in ("timeCycle", "timeDate"):
                    el = timer.find(f"{{{BPMN_NS}}}{kind}")
                    if el is not None and (el.text or "").strip():
                        out.append((kind, _literal(el.text)))
        break
    return out


def _literal(text: str) -> str:
    value = unwrap(text.strip())
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)


def fire_times(kind: str, expression: str, after: datetime | None, until: datetime) -> list[datetime]:
    if kind == "timeDate":
        at = _aware(datetime.fromisoformat(expression))
        return [at] if at <= until and (after is None or at > after) else []
    parts = expression.upper().split("/")
    repeat = int(parts[0][1:]) if parts[0][1:] else -1
    start = _aware(datetime.fromisoformat(parts[1]))
    duration = TimerEventDefinition.parse_iso_duration(parts[2])
    months = int(duration.get("years", 0)) * 12 + int(duration.get("months", 0))
    out, k = [], 0
    while repeat < 0 or k < repeat:
        total = start.year * 12 + start.month - 1 + months * k
        at = start.replace(year=total // 12, month=total % 12 + 1)
        if months == 0:
            from datetime import timedelta
            at = start + k * timedelta(days=duration.get("days", 0), weeks=duration.get("weeks", 0),
                                       hours=duration.get("hours", 0), minutes=duration.get("minutes", 0),
                                       seconds=duration.get("seconds", 0))
        if at > until:
            break
        if after is None or at > after:
            out.append(at)
        k += 1
        if k > 10000:
            break
    return out


class TimerStartOps:
    def timer_start_targets(self, session) -> list[tuple[Definition, str, list]]:
        """(definition, locality, timers) for every process with a timer start event in force somewhere."""
        seq = self.definitions.latest_seq(session)
        out = []
        for code in self.localities():
            for d in self.definitions.current_at(session, code, seq):
                if d.kind != "bpmn":
                    continue
                timers = start_timers(d.content)
                if not timers:
                    continue
                for target in self._inheriting(session, d, seq):
                    out.append((d, target, timers))
        return out

    def _inheriting(self, session, d: Definition, seq: int) -> list[str]:
        return [code for code in self.localities()
                if d.locality in self.chain(code)
                and (found := self.definitions.resolve(session, "bpmn", d.key, code, seq)) is not None
                and found.id == d.id]

    def fire_timer_starts(self) -> list[str]:
        """Start a case for every timer start event due since it last fired → instance ids."""
        now = self.now()
        started = []
        with self.reading() as session:
            targets = self.timer_start_targets(session)
        for d, locality, timers in targets:
            with self.reading() as session:
                last = session.scalar(sa.select(sa.func.max(TimerStart.fire_at)).where(
                    TimerStart.process_key == d.key, TimerStart.locality == locality))
            after = last or d.deployed_at
            for kind, expression in timers:
                try:
                    times = fire_times(kind, expression, after, now)
                except ValueError as exc:
                    log.error("timer start of %s in %s cannot be read: %s", d.key, locality, exc)
                    continue
                for at in times:
                    try:
                        with self.transaction() as session:
                            session.add(TimerStart(process_key=d.key, locality=locality, definition_id=d.id,
                                                   fire_at=at, created_at=now))
                            session.flush()
                            instance_id = self.start(d.key, locality, f"{d.key}-{locality}-{at:%Y%m%d%H%M}",
                                                     {"fired_at": at.isoformat()}, actor="timer", session=session)
                            session.execute(sa.update(TimerStart).where(
                                TimerStart.process_key == d.key, TimerStart.locality == locality,
                                TimerStart.fire_at == at).values(instance_id=instance_id))
                            started.append(instance_id)
                    except IntegrityError:
                        log.info("timer start %s/%s at %s already fired by another worker", d.key, locality, at)
        return started
