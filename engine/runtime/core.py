"""The runtime context the Engine's collaborators share (see engine/__init__.py for the façade)."""
from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException

from .. import clock as clock_mod
from ..bpmn.engine_steps import do_engine_steps, ready_tasks, skip_idle_waits
from ..bpmn.script_engine import CaseScriptEngine
from ..bpmn.serializer import StateSerializer
from ..deadlines import calendar_functions
from ..decisions import Decisions
from ..definitions import DefinitionStore
from ..errors import Conflict, NotFound, ProcessFailed
from ..localities import Localities
from ..specs import SpecCache, called_elements, parse_process
from ..store.db import make_db_engine, make_reading_session_factory, make_session_factory
from .service_tasks import Step, run_ready_service_tasks, started_service_tasks
from ..store.models import Definition, HistoryEvent, Instance
from .mirror import HISTORY_INSERT, Mirror, mirror_instance

_HISTORY_COLUMNS = ("instance_id", "at", "kind", "activity_id", "activity_name", "actor", "details")

log = logging.getLogger("retire.engine")

LIVE_CASES = 256  # workflows kept restored between commands (see Runtime._take_live)


class Runtime:
    """What every command shares: the database and its sessions, the clock, the parsed specs, ``localities``
    (the tree, merged settings, calendars) and ``decisions`` (the DMN tables in force), and the one path of a
    case — load, step, save — inside one transaction."""

    def __init__(self, database_url: str | None = None, *, db_engine: sa.Engine | None = None,
                 processes_dir: str | Path = "processes", forms_dir: str | Path = "forms", clock=None,
                 handlers: dict | None = None, ports=None, worker_id: str = "api",
                 inline_service_tasks: bool = True):
        clock_mod.install_clock_hook()
        self.db = db_engine or make_db_engine(database_url)
        self.Session = make_session_factory(self.db)
        self.ReadingSession = make_reading_session_factory(self.db)  # autocommit on PostgreSQL (see reading())
        self.processes_dir = Path(processes_dir)
        self.forms_dir = Path(forms_dir)
        self.clock = clock or clock_mod.SystemClock()
        self.handlers = handlers or {}
        self.ports = ports
        self.worker_id = worker_id
        # service tasks whose handlers are ready run in the transaction that reached them (runtime.service_tasks)
        self.inline_service_tasks = inline_service_tasks
        self.localities = Localities(self.ReadingSession, self.processes_dir)
        self.definitions = DefinitionStore(self.localities.chain)
        self.decisions = Decisions(self.definitions, lambda: self.reading())
        self.specs = SpecCache()
        self.serializer = StateSerializer()
        self._called: dict[tuple, dict[str, int]] = {}
        # {instance id: (state text, process spec, workflow)}: the workflow a save serialised, kept so the next
        # load of the same stored text need not restore it again (restoring is most of a load's cost)
        self._live: OrderedDict[str, tuple] = OrderedDict()
        self._live_lock = threading.Lock()

    # ---- time and transactions ----------------------------------------------------------
    def now(self):
        return self.clock.now()

    @contextmanager
    def transaction(self):
        """One unit of work: everything between two wait states commits or rolls back together."""
        with clock_mod.using(self.clock):
            try:
                with self.Session.begin() as session:
                    yield session
            except StaleDataError as exc:
                raise Conflict("the case was changed by someone else at the same time; reload and try again") from exc

    @contextmanager
    def reading(self):
        """A session that only reads: on PostgreSQL in autocommit (its statements only, no BEGIN / ROLLBACK; each
        sees the rows committed when it starts, as at READ COMMITTED); a write raises ``WriteWhileReading``
        (engine/store/db.py ``make_reading_session_factory``)."""
        with clock_mod.using(self.clock):
            with self.ReadingSession() as session:
                yield session

    # ---- specs, decisions and scripts ---------------------------------------------------
    def process_spec(self, session, row: Instance):
        subs = tuple(sorted((row.subprocess_definitions or {}).items()))

        def build():
            main = session.get(Definition, row.definition_id)
            files = [(main.file_name, main.content)]
            for _key, def_id in subs:
                d = session.get(Definition, def_id)
                files.append((d.file_name, d.content))
            return parse_process(main.key, files)

        return self.specs.get((row.definition_id, subs), build)

    def resolve_called(self, session, definition_id: int, locality: str, seq: int) -> dict[str, int]:
        """{called process key: definition id} for every process the definition calls, recursively, at ``seq``
        (its row, with the diagram's text, is read only when the answer is not cached)."""
        cache_key = (definition_id, locality, seq)
        found = self._called.get(cache_key)
        if found is None:
            found = self._resolve_called(session, session.get(Definition, definition_id), locality, seq)
            if seq <= self.definitions.latest_seq(session):  # as DefinitionStore.resolve: a seq that has passed
                self._called[cache_key] = found
        return dict(found)

    def _resolve_called(self, session, definition: Definition, locality: str, seq: int) -> dict[str, int]:
        found: dict[str, int] = {}
        pending = list(called_elements(definition.content))
        while pending:
            key = pending.pop()
            if key in found or key == definition.key or key in (definition.extra_keys or []):
                continue
            d = self.definitions.require(session, "bpmn", key, locality, seq)
            found[key] = d.id
            pending.extend(called_elements(d.content))
        return found

    def script_engine(self, session, row: Instance) -> CaseScriptEngine:
        locality, seq = row.locality, row.snapshot_seq
        return CaseScriptEngine(
            decide=lambda decision_id, variables: self.decisions.decide(decision_id, locality, variables, seq=seq,
                                                                       session=session),
            functions=calendar_functions(self.localities, self.decisions, session, locality, seq))

    # ---- loading and advancing one case -------------------------------------------------
    def load(self, session, instance_id: str, *, row: Instance | None = None):
        row = row or session.get(Instance, instance_id)
        if row is None:
            raise NotFound(f"no instance {instance_id}", field="id")
        pspec = self.process_spec(session, row)
        se = self.script_engine(session, row)
        wf = self._take_live(row.id, row.state, pspec)
        if wf is None:
            wf = self.serializer.loads(row.state, pspec.spec, pspec.subprocess_specs)
        wf.script_engine = se
        skip_idle_waits(wf)  # the command's own completion (complete_task, a caught message) walks less too
        return row, wf, pspec, se

    def _take_live(self, instance_id: str, state: str, pspec):
        """The workflow whose save wrote exactly ``state`` on the same specs, or None. It is taken out of the
        cache, so only one command holds it; a command that fails after changing it never puts it back, and one
        whose transaction rolls back leaves text the stored state no longer equals. Equal text is equal state:
        restoring it would give the same workflow."""
        with self._live_lock:
            found = self._live.pop(instance_id, None)
        if found is None or found[1] is not pspec or found[0] != state:
            return None
        return found[2]

    def read_case(self, session, instance_id: str, read, *, row: Instance | None = None):
        """``read(workflow)`` for a page, which must not change the workflow: on the kept workflow of the stored
        state, under the cache's lock and left in the cache (a command takes it only under that lock and changes
        it only once taken, so a read never sees it half changed); else on a restored copy, kept for the next
        command when no other workflow of the case is kept."""
        row = row or session.get(Instance, instance_id)
        if row is None:
            raise NotFound(f"no instance {instance_id}", field="id")
        pspec = self.process_spec(session, row)
        with self._live_lock:
            found = self._live.get(row.id)
            if found is not None and found[1] is pspec and found[0] == row.state:
                return read(found[2])
        wf = self.serializer.loads(row.state, pspec.spec, pspec.subprocess_specs)
        out = read(wf)
        with self._live_lock:
            if row.id not in self._live:
                self._live[row.id] = (row.state, pspec, wf)
                while len(self._live) > LIVE_CASES:
                    self._live.popitem(last=False)
        return out

    def _keep_live(self, instance_id: str, state: str, pspec, wf) -> None:
        with self._live_lock:
            self._live[instance_id] = (state, pspec, wf)
            self._live.move_to_end(instance_id)
            while len(self._live) > LIVE_CASES:
                self._live.popitem(last=False)

    def advance(self, session, row: Instance, wf, pspec, se, actor: str | None = None, *,
                stored: Mirror | None = None) -> None:
        """Run the workflow to its next wait states, mirror them in the tables, store the state.

        ``stored``: the Mirror of the state ``wf`` was restored from (the mirror then skips the kinds of row that
        did not change); None makes the mirror read every kind."""
        step = self.step(session, row, wf, se, actor)
        self.save(session, row, wf, pspec, se, actor, stored=stored, step=step)

    @property
    def writes_lock_database(self) -> bool:
        """SQLite: the first write of a transaction locks the whole database until it commits, so a command
        writes nothing of its own before its handlers have run: a handler writing through a connection of its own
        would wait (the ledger's inline writes go through the command's connection and never wait)."""
        return self.db.dialect.name == "sqlite"

    def step(self, session, row: Instance, wf, se, actor: str | None = None) -> Step:
        """Run ``wf`` until it truly waits, calling ready service-task handlers inline; writes none of the
        engine's rows (only the inline handlers' ledger rows, through the command's connection: they commit or
        roll back with the case, see ``service_tasks.call_handler``).
        → the Step: the inline calls that failed (their tasks become jobs) and the rows to write."""
        step = Step(dict.fromkeys(started_service_tasks(wf)), [])  # tasks already waiting have jobs: they run them
        try:
            with session.no_autoflush:
                for _ in range(200):
                    wf.refresh_timers()
                    do_engine_steps(wf)
                    wf.refresh_timers()
                    if ready_tasks(wf):  # a timer came due
                        continue
                    if not run_ready_service_tasks(self, session, row, wf, se, step, actor or "system"):
                        break
        except (SpiffWorkflowException, WorkflowException) as exc:
            raise _process_failed(exc) from exc
        except (NameError, KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
            raise ProcessFailed(f"the process failed: {type(exc).__name__}: {exc}") from exc
        step.failures = {k: v for k, v in step.failures.items() if v is not None}
        return step

    def save(self, session, row: Instance, wf, pspec, se, actor: str | None = None, *,
             stored: Mirror | None = None, step: Step | None = None, history: list | None = None) -> None:
        """Write the step's rows, mirror ``wf``'s wait states in the tables and store its state.

        The case's history rows of this save (those the caller added to the session for it, the step's, the
        mirror's) go in one executemany at the end, and the case's row is written as one compare-and-set UPDATE
        on its version (``_write_case``); with ``history`` given, the rows go into it and the case's row is left
        to the caller (one saving several cases in one transaction writes them once)."""
        records = step.records if step else []
        rows = history if history is not None else []
        rows.extend(_history_row(e) for e in _taken_history(session, row.id))
        session.add_all([r for r in records if not isinstance(r, HistoryEvent)])
        rows.extend(_history_row(e) for e in records if isinstance(e, HistoryEvent))
        mirror_instance(self, session, row, wf, pspec, se, self.now(), actor, stored=stored,
                        failures=step.failures if step else None, history=rows)
        row.state = self.serializer.dumps(wf)
        self._keep_live(row.id, row.state, pspec, wf)
        if history is None:
            if rows:
                session.connection().execute(HISTORY_INSERT, rows)
            _write_case(session, row)



def _taken_history(session, instance_id: str) -> list[HistoryEvent]:
    """The case's history rows the caller added to the session for this save, taken out of it (in the order
    added), so that they go in the save's one executemany instead of one ORM insert each."""
    taken = sorted((e for e in session.new if isinstance(e, HistoryEvent) and e.instance_id == instance_id),
                   key=lambda e: sa.inspect(e).insert_order)
    for e in taken:
        session.expunge(e)
    return taken


def _history_row(e: HistoryEvent) -> dict:
    row = {c: getattr(e, c) for c in _HISTORY_COLUMNS}
    if row["details"] is None and "details" not in vars(e):
        row["details"] = {}  # the column's default, as the ORM's insert would give it
    return row


def _write_case(session, row: Instance) -> None:
    """Write what changed of the case's row as the ORM's flush would — one UPDATE compare-and-set on its version
    (another transaction that changed the case meanwhile: StaleDataError, hence Conflict) — without the
    unit of work, and leave the row clean in the session. A row not yet inserted is left to the ORM."""
    state = sa.inspect(row)
    if not state.persistent:
        return
    values = state.dict
    changed = {key: values[key] for key, before in state.committed_state.items()
               if key in values and values[key] != before}
    if changed:
        version = row.version
        result = session.connection().execute(case_update(tuple(sorted(changed))),
                                              {**changed, "b_id": row.id, "b_version": version})
        if result.rowcount != 1:
            raise StaleDataError(f"UPDATE statement on table 'instances' expected to update 1 row(s); "
                                 f"{result.rowcount} were matched.")
        values["version"] = version + 1
    state._commit_all(values, session.identity_map)  # as the ORM marks a row it flushed


@functools.cache
def case_update(columns: tuple[str, ...]):
    """UPDATE of a case's ``columns`` (parameters named as the columns), compare-and-set on its version
    (``b_id``, ``b_version``), which it moves on."""
    t = Instance.__table__
    return (t.update().where(t.c.id == sa.bindparam("b_id"), t.c.version == sa.bindparam("b_version"))
            .values(**{c: sa.bindparam(c) for c in columns}, version=t.c.version + 1))


def _process_failed(exc) -> ProcessFailed:
    task = getattr(exc, "task", None)
    spec = getattr(task, "task_spec", None) or getattr(exc, "task_spec", None)
    activity = getattr(spec, "bpmn_id", None)
    name = getattr(spec, "bpmn_name", None) or activity
    cause = getattr(exc, "error", None) or exc
    msg = str(cause).split("\n")[0]
    return ProcessFailed(f"the process failed at '{name}': {msg}" if name else f"the process failed: {msg}",
                         activity_id=activity)
