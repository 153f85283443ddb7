"""What the engine hands a service-task handler: the case, its variables, the ports and a clock."""
from __future__ import annotations

import copy
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterator


class HandlerError(Exception):
    """A handler could not do its work; the engine retries the job and raises an incident at the end."""


class BusinessRuleViolation(HandlerError):
    """The department refuses for a reason a retry will not change (raised to the process as a BPMN error)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _read_only(*_args, **_kwargs):
    raise TypeError("the locality's settings are shared and read-only: copy what you change (dict(...), list(...))")


class ReadOnlyDict(dict):
    """A dict that refuses every change; copies of it (dict(), copy, deepcopy, pickle) are plain dicts."""
    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self):
        return dict, (dict(self),)


class ReadOnlyList(list):
    """A list that refuses every change; copies of it are plain lists."""
    __setitem__ = __delitem__ = __iadd__ = __imul__ = append = extend = insert = pop = remove = clear = sort = \
        reverse = _read_only

    def __copy__(self):
        return list(self)

    def __deepcopy__(self, memo):
        return [copy.deepcopy(v, memo) for v in self]

    def __reduce__(self):
        return list, (list(self),)


def read_only(value):
    """A read-only deep copy of plain data (dicts and lists; anything else is kept as it is)."""
    if isinstance(value, dict):
        return ReadOnlyDict((k, read_only(v)) for k, v in value.items())
    if isinstance(value, list):
        return ReadOnlyList(read_only(v) for v in value)
    return value


@dataclass
class HandlerContext:
    """One call of one service task.

    ``variables`` are the process variables when the task started (a copy: change nothing in place,
    return what changed). ``settings`` are the locality's, shared by every call and read-only (``read_only``). ``idempotency_key`` is stable for (instance, task): a second run of the same
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


# ---- the command's connection ----------------------------------------------------------------------------
# A handler the engine calls inline runs inside a command's transaction. Ports that keep their records in the
# same database (the embedded ledger) write through that transaction's connection instead of opening their own:
# their rows commit or roll back with the case, and a command costs no extra connections or commits. A handler
# called by a job runs outside any transaction: then nothing is set and the ports use their own transactions.

@dataclass
class _CommandConnection:
    connection: Any
    savepoint: bool = False


_COMMAND: ContextVar[_CommandConnection | None] = ContextVar("retire_command_connection", default=None)
_SAVEPOINT = "retire_handler"


@contextmanager
def inside_command(connection) -> Iterator[None]:
    """Run a handler inside the engine command whose database connection is ``connection`` (a SQLAlchemy
    Connection in a transaction the command commits).

    On PostgreSQL an error aborts the whole transaction, so the first port that writes through the connection
    sets a savepoint: a handler whose write fails (a value the table refuses) leaves nothing written and the
    command goes on (its task becomes a job). Reads set none: they fail only with the connection itself. The
    savepoint is not released (one round trip less per handler): it ends with the command's transaction, and
    the next handler's savepoint of the same name hides it. On SQLite a failed statement leaves the transaction
    usable and no savepoint is set (the driver's SAVEPOINT outside a begun transaction would commit on release)."""
    shared = _CommandConnection(connection)
    token = _COMMAND.set(shared)
    try:
        yield
    except BaseException:
        if shared.savepoint:
            connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
        raise
    finally:
        _COMMAND.reset(token)


def command_connection(db, *, write: bool) -> Any | None:
    """The connection of the engine command the current handler runs in, when it is a connection to ``db``
    (a SQLAlchemy Engine); None outside a command or for another database. ``write``: the caller is about to
    write (see ``inside_command``)."""
    shared = _COMMAND.get()
    if shared is None or shared.connection.engine is not db:
        return None
    if write and not shared.savepoint and shared.connection.dialect.name != "sqlite":
        shared.connection.exec_driver_sql(f"SAVEPOINT {_SAVEPOINT}")
        shared.savepoint = True
    return shared.connection
