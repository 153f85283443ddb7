"""Timer start events (e.g. Zongyang's quarterly notification): fired by the worker, once per time.

A cycle ``R[n]/<start>/<period>`` is expanded with calendar-true month arithmetic; ``R[n]/<period>``
(as Camunda Modeler users type it) first fires one period after the definition was deployed, as in
Camunda 7. Each firing is a row with a unique (process, locality, fire time): when two workers race,
one insert wins and only the winner's transaction starts the case.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .bpmn.expressions import add_period, parse_duration, unwrap
from .clock import SHANGHAI
from .parsed import parsed
from .store.models import Definition, TimerStart

log = logging.getLogger("retire.timers")


def start_timers(content: str) -> list[tuple[str, str]]:
    """(kind, value) of each timer start event of the executable process."""
    return [(kind, start_timer_value(text)) for kind, text in parsed("bpmn", content).start_timer_texts]


def start_timer_value(text: str) -> str:
    """The ISO 8601 value of a timer start event, as written, ``${...}``-wrapped or quoted."""
    value = unwrap(text.strip())
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)


def fire_times(kind: str, expression: str, after: datetime | None, until: datetime,
               deployed_at: datetime | None = None) -> list[datetime]:
    """The firing times in (after, until] of a timeDate or timeCycle value; raise ValueError when it is
    neither ``<date-time>``, ``R[n]/<start>/<period>`` nor ``R[n]/<period>`` (counted from ``deployed_at``)."""
    if kind == "timeDate":
        at = _aware(datetime.fromisoformat(expression))
        return [at] if at <= until and (after is None or at > after) else []
    parts = expression.upper().split("/")
    if kind != "timeCycle" or len(parts) not in (2, 3) or not parts[0].startswith("R"):
        raise ValueError(f"{expression!r} is not an ISO 8601 cycle R[n]/<start>/<period> or R[n]/<period>")
    repeat = int(parts[0][1:]) if parts[0][1:] else -1
    if len(parts) == 2:
        if deployed_at is None:
            raise ValueError(f"{expression!r} has no start; it counts from the deployment")
        start, period, first = _aware(deployed_at).astimezone(SHANGHAI), parts[1], 1
    else:
        start, period, first = _aware(datetime.fromisoformat(parts[1])), parts[2], 0
    months, rest = parse_duration(period)
    out, k = [], first
    while repeat < 0 or k < repeat + first:
        at = add_period(start, months * k, rest * k)   # from the start each time: no month-end drift
        if at > until:
            break
        if after is None or at > after:
            out.append(at)
        k += 1
        if k > 10000:
            break
    return out


@dataclass(frozen=True)
class _Target:
    """A process with timer start events, in force at ``locality`` (its own or inherited definition)."""
    key: str
    id: int  # the definition's
    deployed_at: datetime
    locality: str
    timers: tuple


class TimerStarts:
    """Timer start events: a case started for each time one is due, once per time."""

    def __init__(self, rt, cases):
        self._rt = rt
        self._cases = cases
        # (deployment seq, the runtime's localities, [_Target]): the targets change only with a deployment (a new
        # seq) or the localities (a new dict); a worker's idle round then costs two small reads, not every
        # definition's content
        self._known: tuple[int, dict, list[_Target]] | None = None

    def timer_start_targets(self, session) -> list[tuple[Definition, str, list]]:
        """(definition, locality, timers) for every process with a timer start event in force somewhere."""
        seq = self._rt.definitions.latest_seq(session)
        out = []
        for code in self._rt.localities.all():
            for d in self._rt.definitions.current_at(session, code, seq):
                if d.kind != "bpmn":
                    continue
                timers = start_timers(d.content)
                if not timers:
                    continue
                for target in self._inheriting(session, d, seq):
                    out.append((d, target, timers))
        return out

    def _inheriting(self, session, d: Definition, seq: int) -> list[str]:
        return [code for code in self._rt.localities.all()
                if d.locality in self._rt.localities.chain(code)
                and (found := self._rt.definitions.resolve(session, "bpmn", d.key, code, seq)) is not None
                and found.id == d.id]

    def _targets(self, session) -> list[_Target]:
        seq, localities = self._rt.definitions.latest_seq(session), self._rt.localities.all()
        known = self._known
        if known is None or known[0] != seq or known[1] is not localities:
            targets = [_Target(d.key, d.id, d.deployed_at, locality, tuple(timers))
                       for d, locality, timers in self.timer_start_targets(session)]
            self._known = known = (seq, localities, targets)
        return known[2]

    def fire_timer_starts(self) -> list[str]:
        """Start a case for every timer start event due since it last fired → instance ids."""
        now = self._rt.now()
        started = []
        with self._rt.reading() as session:
            targets = self._targets(session)
            if not targets:
                return started
            fired_last = dict(((key, locality), at) for key, locality, at in session.execute(
                sa.select(TimerStart.process_key, TimerStart.locality, sa.func.max(TimerStart.fire_at))
                .where(TimerStart.process_key.in_({t.key for t in targets}))
                .group_by(TimerStart.process_key, TimerStart.locality)))
        for d in targets:
            locality = d.locality
            after = fired_last.get((d.key, locality)) or d.deployed_at
            for kind, expression in d.timers:
                try:
                    times = fire_times(kind, expression, after, now, deployed_at=d.deployed_at)
                except ValueError as exc:
                    log.error("timer start of %s in %s cannot be read: %s", d.key, locality, exc)
                    continue
                for at in times:
                    try:
                        with self._rt.transaction() as session:
                            fired = TimerStart(process_key=d.key, locality=locality, definition_id=d.id,
                                               fire_at=at, created_at=now)
                            if not self._rt.writes_lock_database:  # PostgreSQL: a second worker waits here
                                session.add(fired)
                                session.flush()
                            instance_id = self._cases.start(d.key, locality, f"{d.key}-{locality}-{at:%Y%m%d%H%M}",
                                                     {"fired_at": at.isoformat()}, actor="timer", session=session)
                            fired.instance_id = instance_id
                            session.add(fired)  # SQLite: written after the case's handlers ran (see Engine.step)
                            session.flush()
                            started.append(instance_id)
                    except IntegrityError:
                        log.info("timer start %s/%s at %s already fired by another worker", d.key, locality, at)
        return started
