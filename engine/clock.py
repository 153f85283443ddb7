"""The engine's notion of now: the system clock in production, a settable one in tests and simulations.

SpiffWorkflow's timer definitions read ``datetime.now`` from their own module; ``install_clock_hook``
swaps that module's ``datetime`` for a subclass that asks the clock active in the current context.
"""
from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class SystemClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FakeClock:
    """A clock that moves only when told to (tests, ``retire simulate``)."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            start = start.replace(tzinfo=SHANGHAI)
        self._now = start.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            when = when.replace(tzinfo=SHANGHAI)
        self._now = when.astimezone(timezone.utc)

    def advance(self, **delta) -> datetime:
        self._now += timedelta(**delta)
        return self._now


_active = contextvars.ContextVar("retire_clock", default=None)
_default = SystemClock()


def current() -> SystemClock | FakeClock:
    return _active.get() or _default


@contextmanager
def using(clock):
    """Make ``clock`` the one Spiff's timers read, for the duration of the block."""
    token = _active.set(clock)
    try:
        yield clock
    finally:
        _active.reset(token)


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        value = current().now()
        return value.astimezone(tz) if tz is not None else value.astimezone(SHANGHAI).replace(tzinfo=None)


def install_clock_hook() -> None:
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    if timer.datetime is not _ClockDatetime:
        timer.datetime = _ClockDatetime
        # naive times in diagrams are civil times in China, whatever the server's zone
        timer.LOCALTZ = timezone(timedelta(hours=8))
