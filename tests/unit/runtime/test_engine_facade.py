"""The Engine is a façade: it composes its collaborators, inherits from nothing, and offers only its commands
(plus ``runtime``, the shared context reads go through)."""
from __future__ import annotations

import inspect
from pathlib import Path

from engine import Engine
from engine.case_migration import CaseMigrations
from engine.decisions import Decisions
from engine.localities import Localities
from engine.runtime.core import Runtime
from engine.deploy import Deployments
from engine.runtime.cases import Cases
from engine.runtime.jobs import Jobs
from engine.timer_starts import TimerStarts

COLLABORATORS = (Cases, Jobs, TimerStarts, Deployments, CaseMigrations)

# what the API, the CLI and the worker do to cases; a new one is added here on purpose, not by accident
COMMANDS = {"start", "complete_task", "claim", "unclaim", "deliver_message", "cancel",
            "claim_due_jobs", "run_due_jobs", "run_job", "retry_incident", "fire_timer_starts",
            "validate", "deploy", "deploy_folders", "adapt", "drop_override", "migrate_instances"}


def _engine(tmp_path: Path) -> Engine:
    return Engine(f"sqlite:///{tmp_path / 'facade.db'}", processes_dir=tmp_path, forms_dir=tmp_path)


def test_the_engine_inherits_from_nothing_but_object():
    assert Engine.__bases__ == (object,)
    assert Engine.__mro__ == (Engine, object)


def test_the_runtime_and_every_collaborator_inherit_from_nothing_but_object():
    for cls in (Runtime, *COLLABORATORS):
        assert cls.__bases__ == (object,), cls.__name__


def test_the_engine_lists_its_commands_and_offers_nothing_else_but_the_runtime(tmp_path):
    eng = _engine(tmp_path)
    try:
        public = {n for n in dir(eng) if not n.startswith("_")}
        assert set(Engine.COMMANDS) == COMMANDS
        assert public == COMMANDS | {"COMMANDS", "runtime"}
        assert isinstance(eng.runtime, Runtime)
    finally:
        eng.runtime.db.dispose()


def test_each_command_is_carried_out_by_exactly_one_collaborator_with_the_same_parameters():
    for name in COMMANDS:
        owners = [cls for cls in COLLABORATORS if name in vars(cls)]
        assert len(owners) == 1, f"{name}: {[c.__name__ for c in owners]}"
        mine = inspect.signature(getattr(Engine, name)).parameters
        theirs = inspect.signature(getattr(owners[0], name)).parameters
        own_only = {"session"}  # a collaborator's own callers may share a transaction; the API's never do
        assert [p for p in mine] == [p for p in theirs if p not in own_only or p in mine], name
        for p in mine:
            assert (mine[p].kind, mine[p].default) == (theirs[p].kind, theirs[p].default), f"{name}({p})"


def test_the_collaborators_share_one_runtime_and_the_jobs_deliver_messages_through_the_cases(tmp_path):
    eng = _engine(tmp_path)
    try:
        parts = [v for k, v in vars(eng).items() if k.startswith("_")]
        assert sorted(type(p).__name__ for p in parts) == sorted(c.__name__ for c in COLLABORATORS)
        assert all(p._rt is eng.runtime for p in parts)
        assert eng._jobs._cases is eng._cases and eng._timer_starts._cases is eng._cases
    finally:
        eng.runtime.db.dispose()


# the path of a case and the context it needs; the locality tree, settings and calendars are ``localities``,
# the DMN tables in force are ``decisions`` (engine/localities.py, engine/decisions.py)
RUNTIME_METHODS = {"now", "transaction", "reading", "process_spec", "resolve_called", "script_engine", "load",
                   "read_case", "advance", "writes_lock_database", "step", "save"}


def test_the_runtime_offers_only_the_path_of_a_case_and_holds_the_localities_and_decisions_apart(tmp_path):
    assert {n for n in dir(Runtime) if not n.startswith("_")} == RUNTIME_METHODS
    eng = _engine(tmp_path)
    try:
        assert isinstance(eng.runtime.localities, Localities) and isinstance(eng.runtime.decisions, Decisions)
        assert eng.runtime.definitions._chain_of == eng.runtime.localities.chain
    finally:
        eng.runtime.db.dispose()
