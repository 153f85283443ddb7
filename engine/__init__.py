"""A thin engine over SpiffWorkflow: deployments, cases, human tasks, jobs, timers, messages, history."""
from .core import EngineBase
from .deploy import DeployOps
from .instances import InstanceOps
from .jobs import JobOps
from .migration import MigrationOps
from .timer_starts import TimerStartOps


class Engine(InstanceOps, JobOps, TimerStartOps, DeployOps, MigrationOps, EngineBase):
    """Everything the API, the worker and the CLI do to cases goes through one of these."""


__all__ = ["Engine"]
