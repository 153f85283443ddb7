"""A thin engine over SpiffWorkflow: deployments, cases, human tasks, jobs, timers, messages, history.

``Engine`` is a façade: the commands the API, the worker and the CLI give, each delegated to the collaborator
that carries it out. The collaborators share one ``Runtime`` (engine/runtime/core.py): the database, the clock, the
localities and their settings, the parsed specs and decisions, and load / step / save inside one transaction.
Reads for pages go through ``engine.runtime`` (sessions, settings, decisions) and engine/queries.py.
"""
from __future__ import annotations

from .case_migration import CaseMigrationOutcome, CaseMigrations
from .runtime.core import Runtime
from .definitions import DefinitionFile
from .deploy import DeployResult, Deployments
from .runtime.cases import Cases
from .runtime.jobs import CLAIM_BATCH, ClaimedJob, Jobs
from .store.models import Definition
from .timer_starts import TimerStarts


class Engine:
    """Everything the API, the worker and the CLI do to cases goes through one of these (built by bootstrap)."""

    COMMANDS = ("start", "complete_task", "claim", "unclaim", "deliver_message", "cancel",
                "claim_due_jobs", "run_due_jobs", "run_job", "retry_incident", "fire_timer_starts",
                "validate", "deploy", "deploy_folders", "adapt", "drop_override", "migrate_instances")

    def __init__(self, database_url: str | None = None, **parts):
        #: the shared runtime context: sessions (``reading()`` / ``transaction()``), clock, localities, settings,
        #: decisions, handlers and ports — what reads and tests use besides the commands
        self.runtime = Runtime(database_url, **parts)
        self._cases = Cases(self.runtime)
        self._jobs = Jobs(self.runtime, self._cases)
        self._timer_starts = TimerStarts(self.runtime, self._cases)
        self._deployments = Deployments(self.runtime)
        self._case_migrations = CaseMigrations(self.runtime)

    # ---- cases ---------------------------------------------------------------------------
    def start(self, process_key: str, locality: str, business_key: str, variables: dict | None = None,
              actor: str = "system", *, session=None, person_key: str | None = None,
              without_start_form: bool = False) -> str:
        return self._cases.start(process_key, locality, business_key, variables, actor, session=session,
                                 person_key=person_key, without_start_form=without_start_form)

    def complete_task(self, task_id: str, data: dict, actor: str, *, validate: bool = False) -> str:
        return self._cases.complete_task(task_id, data, actor, validate=validate)

    def claim(self, task_id: str, username: str) -> None:
        self._cases.claim(task_id, username)

    def unclaim(self, task_id: str, username: str, *, force: bool = False) -> None:
        self._cases.unclaim(task_id, username, force=force)

    def deliver_message(self, name: str, business_key: str, payload: dict | None = None, *,
                        locality: str | None = None, actor: str = "system") -> list[str]:
        return self._cases.deliver_message(name, business_key, payload, locality=locality, actor=actor)

    def cancel(self, instance_id: str, reason: str, actor: str) -> None:
        self._cases.cancel(instance_id, reason, actor)

    # ---- jobs and timers -----------------------------------------------------------------
    def claim_due_jobs(self, limit: int = CLAIM_BATCH) -> list[ClaimedJob]:
        return self._jobs.claim_due_jobs(limit)

    def run_due_jobs(self, limit: int = 50, *, max_rounds: int = 20, stop=None) -> int:
        return self._jobs.run_due_jobs(limit, max_rounds=max_rounds, stop=stop)

    def run_job(self, job: ClaimedJob, *, claim_next: int = 0) -> list[ClaimedJob] | None:
        return self._jobs.run_job(job, claim_next=claim_next)

    def retry_incident(self, job_id: int, actor: str) -> None:
        self._jobs.retry_incident(job_id, actor)

    def fire_timer_starts(self) -> list[str]:
        return self._timer_starts.fire_timer_starts()

    # ---- definitions ---------------------------------------------------------------------
    def validate(self, locality: str, files: list[DefinitionFile]) -> list[dict]:
        return self._deployments.validate(locality, files)

    def deploy(self, locality: str, files: list[DefinitionFile], author: str, note: str = "") -> DeployResult:
        return self._deployments.deploy(locality, files, author, note)

    def deploy_folders(self, author: str = "system", *, deploy_changed: bool = False) -> list[DeployResult]:
        return self._deployments.deploy_folders(author, deploy_changed=deploy_changed)

    def adapt(self, locality: str, definition_id: int, author: str) -> Definition:
        return self._deployments.adapt(locality, definition_id, author)

    def drop_override(self, locality: str, kind: str, key: str, author: str) -> int:
        return self._deployments.drop_override(locality, kind, key, author)

    def migrate_instances(self, from_definition: int, to_definition: int, mappings: dict[str, str] | None, *,
                          dry_run: bool, actor: str,
                          instance_ids: list[str] | None = None) -> list[CaseMigrationOutcome]:
        return self._case_migrations.migrate_instances(from_definition, to_definition, mappings, dry_run=dry_run,
                                                       actor=actor, instance_ids=instance_ids)


__all__ = ["Engine", "Runtime"]
