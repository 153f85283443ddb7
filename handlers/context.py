"""What the engine hands a service-task handler: the case, its variables, the ports and a clock."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable


class HandlerError(Exception):
    """A handler could not do its work; the engine retries the job and raises an incident at the end."""


class BusinessRuleViolation(HandlerError):
    """The department refuses for a reason a retry will not change (raised to the process as a BPMN error)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class HandlerContext:
    """One call of one service task.

    ``variables`` are the process variables when the task started (a copy: change nothing in place,
    return what changed). ``idempotency_key`` is stable for (instance, task): a second run of the same
    job after a lease expiry must return the same result and change nothing twice.
    """

    topic: str
    instance_id: str
    task_id: str
    business_key: str
    locality: str
    variables: dict[str, Any]
    settings: dict[str, Any]
    now: datetime
    ports: Any
    decide: Callable[[str, dict[str, Any]], dict[str, Any]]
    idempotency_key: str
    inputs: dict[str, Any] = field(default_factory=dict)
    outgoing_messages: list[dict[str, Any]] = field(default_factory=list)

    def send_message(self, name: str, business_key: str, payload: dict[str, Any] | None = None,
                     locality: str | None = None) -> None:
        """Ask the engine to deliver a BPMN message after this job commits."""
        self.outgoing_messages.append({"name": name, "business_key": business_key,
                                       "payload": payload or {}, "locality": locality or self.locality})
