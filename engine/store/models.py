"""The engine's tables. Workflow state is one JSON column; everything queried has its own indexed table."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy import orm as so


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (which keeps no zone) and PostgreSQL alike."""
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


# Scoped lists filter ``locality_path LIKE '/000000/340000/340700/340722/%'`` (the caller's subtree). PostgreSQL uses a
# btree index for a LIKE prefix only with the pattern operator class (unless the database collation is "C").
PREFIX_OPS = {"locality_path": "varchar_pattern_ops"}


class Base(so.DeclarativeBase):
    type_annotation_map = {dict[str, Any]: sa.JSON, list[Any]: sa.JSON, datetime: UTCDateTime}


class Locality(Base):
    __tablename__ = "localities"
    code: so.Mapped[str] = so.mapped_column(sa.String(12), primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))
    parent: so.Mapped[Optional[str]] = so.mapped_column(sa.String(12))
    level: so.Mapped[str] = so.mapped_column(sa.String(20))
    path: so.Mapped[str] = so.mapped_column(sa.String(200), index=True)
    settings: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)


class Deployment(Base):
    """Every change to definitions gets the next number; instances remember the number they started at."""
    __tablename__ = "deployments"
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    author: so.Mapped[str] = so.mapped_column(sa.String(80))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime]


class Definition(Base):
    __tablename__ = "definitions"
    __table_args__ = (
        sa.UniqueConstraint("locality", "kind", "key", "version", name="uq_definition_version"),
        sa.Index("ix_definitions_lookup", "kind", "key", "locality"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    deployment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("deployments.id"), index=True)
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    key: so.Mapped[str] = so.mapped_column(sa.String(120))
    name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    version: so.Mapped[int]
    file_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    content: so.Mapped[str] = so.mapped_column(sa.Text)
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    extra_keys: so.Mapped[list[Any]] = so.mapped_column(default=list)
    deployed_at: so.Mapped[datetime]
    author: so.Mapped[str] = so.mapped_column(sa.String(80))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    retired_seq: so.Mapped[Optional[int]] = so.mapped_column(default=None)


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (sa.UniqueConstraint("locality", "file_name", name="uq_draft_file"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    file_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    content: so.Mapped[str] = so.mapped_column(sa.Text)
    author: so.Mapped[str] = so.mapped_column(sa.String(80))
    updated_at: so.Mapped[datetime]


class Instance(Base):
    __tablename__ = "instances"
    __table_args__ = (
        sa.Index("ix_instances_scope", "locality_path", "status", postgresql_ops=PREFIX_OPS),
        sa.Index("ix_instances_key", "process_key", "status"),
        # one running case per person and locality: person_key is set while the case runs and freed when it ends
        # (on PostgreSQL it carries the business key: "whose running case is this ID number's" reads the index only)
        sa.Index("uq_instances_running_person", "locality", "person_key", unique=True,
                 postgresql_include=["business_key"]),
        # the newest cases first (keyset paging on started_at, id), all of them or of one status
        sa.Index("ix_instances_recent", "started_at", "id"),
        sa.Index("ix_instances_status_recent", "status", "started_at", "id"),
        sa.Index("ix_instances_locality_recent", "locality", "status", "started_at", "id"),
        # history retention finds the cases that ended before a cutoff
        sa.Index("ix_instances_ended", "ended_at"),
    )
    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    process_key: so.Mapped[str] = so.mapped_column(sa.String(120))
    definition_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("definitions.id"), index=True)
    subprocess_definitions: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    snapshot_seq: so.Mapped[int]
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    locality_path: so.Mapped[str] = so.mapped_column(sa.String(200))
    business_key: so.Mapped[str] = so.mapped_column(sa.String(120), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="running")
    state: so.Mapped[str] = so.mapped_column(sa.Text)
    waiting_in: so.Mapped[list[Any]] = so.mapped_column(default=list)
    started_at: so.Mapped[datetime]
    updated_at: so.Mapped[datetime]
    ended_at: so.Mapped[Optional[datetime]]
    started_by: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    cancel_reason: so.Mapped[Optional[str]] = so.mapped_column(sa.Text)
    person_key: so.Mapped[Optional[str]] = so.mapped_column(sa.String(40), default=None)
    version: so.Mapped[int] = so.mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}


@sa.event.listens_for(Instance.status, "set")
def _free_person_key(target, value, oldvalue, initiator):
    """A case that ends (completed, cancelled) no longer holds its person: a new application may start."""
    if value != "running":
        target.person_key = None


class HumanTask(Base):
    __tablename__ = "human_tasks"
    __table_args__ = (
        sa.Index("ix_human_tasks_scope", "status", "locality_path", postgresql_ops=PREFIX_OPS),
        # the inbox order (due first, undated last, then oldest): page 1 is the head of this index
        sa.Index("ix_human_tasks_inbox", "status", "due_at", "created_at", "id"),
        # a county clerk's inbox: the county's own tasks in inbox order
        sa.Index("ix_human_tasks_locality_inbox", "status", "locality", "due_at", "created_at", "id"),
        # one case's tasks (the task list filtered by business key)
        sa.Index("ix_human_tasks_business_key", "business_key"),
    )
    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    instance_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("instances.id"), index=True)
    process_key: so.Mapped[str] = so.mapped_column(sa.String(120))
    activity_id: so.Mapped[str] = so.mapped_column(sa.String(120))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    business_key: so.Mapped[str] = so.mapped_column(sa.String(120))
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    locality_path: so.Mapped[str] = so.mapped_column(sa.String(200))
    candidate_groups: so.Mapped[list[Any]] = so.mapped_column(default=list)
    form_ref: so.Mapped[Optional[str]] = so.mapped_column(sa.String(120))
    due_at: so.Mapped[Optional[datetime]]
    due_provisional: so.Mapped[bool] = so.mapped_column(default=False)
    assignee: so.Mapped[Optional[str]] = so.mapped_column(sa.String(80), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="open")
    item: so.Mapped[Optional[str]] = so.mapped_column(sa.String(60))
    summary: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    created_at: so.Mapped[datetime]
    completed_at: so.Mapped[Optional[datetime]]
    completed_by: so.Mapped[Optional[str]] = so.mapped_column(sa.String(80))


# PostgreSQL takes ``locality = X AND locality_path = P`` as independent (1/30 × 1/30 of a county's rows) and then
# sorts a county's whole list instead of walking its ordered index: this statistics object tells it one determines
# the other (made by create_all here, and by migration 0009 on existing databases).
for _table in (Instance.__table__, HumanTask.__table__):
    sa.event.listen(_table, "after_create", sa.DDL(
        f"CREATE STATISTICS IF NOT EXISTS st_{_table.name}_locality (dependencies) ON locality, locality_path "
        f"FROM {_table.name}").execute_if(dialect="postgresql"))


class HumanTaskGroup(Base):
    __tablename__ = "human_task_groups"
    task_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("human_tasks.id", ondelete="CASCADE"), primary_key=True)
    group: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True, index=True)


class InboxEntry(Base):
    """The clerks' inbox: one row per (open human task, candidate group), written with the task by the mirror of
    the case's wait states (``engine/runtime/inbox.py``) and gone when the task is no longer open. A clerk's list walks
    ``ix_inbox_order`` for each of their groups: a county's tasks of one group, due first (undated last), oldest
    first, so the first page and a bounded count read only index entries, however many tasks the county has."""
    __tablename__ = "inbox"
    __table_args__ = (
        sa.Index("ix_inbox_order", "group", "locality_path", "due_at", "created_at", "task_id",
                 postgresql_ops=PREFIX_OPS),
        sa.Index("ix_inbox_instance", "instance_id"),
    )
    task_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("human_tasks.id", ondelete="CASCADE"), primary_key=True)
    group: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    instance_id: so.Mapped[str] = so.mapped_column(sa.String(36))
    locality_path: so.Mapped[str] = so.mapped_column(sa.String(200))
    due_at: so.Mapped[Optional[datetime]]
    created_at: so.Mapped[datetime]


class Job(Base):
    """A service task or timer waiting to run; after its last failed attempt it is an incident."""
    __tablename__ = "jobs"
    __table_args__ = (
        sa.UniqueConstraint("instance_id", "task_id", "kind", name="uq_job_task"),
        sa.Index("ix_jobs_due", "status", "due_at"),
        sa.Index("ix_jobs_incidents", "status", "updated_at", "id"),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    instance_id: so.Mapped[Optional[str]] = so.mapped_column(sa.ForeignKey("instances.id"), index=True)
    task_id: so.Mapped[str] = so.mapped_column(sa.String(36))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    topic: so.Mapped[Optional[str]] = so.mapped_column(sa.String(120))
    activity_id: so.Mapped[str] = so.mapped_column(sa.String(120))
    activity_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    locality_path: so.Mapped[str] = so.mapped_column(sa.String(200))
    due_at: so.Mapped[datetime]
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="ready")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    max_attempts: so.Mapped[int] = so.mapped_column(default=3)
    lease_owner: so.Mapped[Optional[str]] = so.mapped_column(sa.String(80))
    lease_until: so.Mapped[Optional[datetime]]
    last_error: so.Mapped[Optional[str]] = so.mapped_column(sa.Text)
    payload: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    created_at: so.Mapped[datetime]
    updated_at: so.Mapped[datetime]
    completed_at: so.Mapped[Optional[datetime]]


class Subscription(Base):
    """An instance waiting for a message, so delivery never deserializes workflows to find it."""
    __tablename__ = "subscriptions"
    __table_args__ = (sa.Index("ix_subscriptions_match", "message_name", "business_key"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    instance_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("instances.id"), index=True)
    task_id: so.Mapped[str] = so.mapped_column(sa.String(36))
    message_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    business_key: so.Mapped[str] = so.mapped_column(sa.String(120))
    locality_path: so.Mapped[str] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime]


class TimerStart(Base):
    """One row per firing of a timer start event: the unique key makes two workers fire it once."""
    __tablename__ = "timer_starts"
    __table_args__ = (sa.UniqueConstraint("process_key", "locality", "fire_at", name="uq_timer_start_fire"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    process_key: so.Mapped[str] = so.mapped_column(sa.String(120))
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    definition_id: so.Mapped[int]
    fire_at: so.Mapped[datetime]
    instance_id: so.Mapped[Optional[str]] = so.mapped_column(sa.String(36))
    created_at: so.Mapped[datetime]


class Item(Base):
    """One joint item (联办事项) of one case: its department, state and result; counted in reports."""
    __tablename__ = "items"
    __table_args__ = (
        sa.UniqueConstraint("instance_id", "item", name="uq_item_per_instance"),
        sa.Index("ix_items_report", "state", "locality_path", "completed_at", postgresql_ops=PREFIX_OPS),
    )
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    instance_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("instances.id"), index=True)
    item: so.Mapped[str] = so.mapped_column(sa.String(60))
    department: so.Mapped[str] = so.mapped_column(sa.String(40))
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    locality_path: so.Mapped[str] = so.mapped_column(sa.String(200))
    state: so.Mapped[str] = so.mapped_column(sa.String(20))
    result: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    started_at: so.Mapped[Optional[datetime]]
    completed_at: so.Mapped[Optional[datetime]]


class HistoryEvent(Base):
    __tablename__ = "history"
    __table_args__ = (sa.Index("ix_history_instance", "instance_id", "id"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    instance_id: so.Mapped[str] = so.mapped_column(sa.String(36))
    at: so.Mapped[datetime]
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    activity_id: so.Mapped[Optional[str]] = so.mapped_column(sa.String(120))
    activity_name: so.Mapped[Optional[str]] = so.mapped_column(sa.String(200))
    actor: so.Mapped[Optional[str]] = so.mapped_column(sa.String(80))
    details: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)


class Application(Base):
    """The one application (申请表) of one person; the retirement instance runs under its business key."""
    __tablename__ = "applications"
    __table_args__ = (sa.Index("ix_applications_scope", "locality_path", "created_at", postgresql_ops=PREFIX_OPS),
                      # a clerk finds a case by a name's beginning (LIKE '王建%'): the pattern class on PostgreSQL
                      sa.Index("ix_applications_name", "name", postgresql_ops={"name": "varchar_pattern_ops"}))
    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)
    business_key: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    instance_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey("instances.id"))
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    locality_path: so.Mapped[str] = so.mapped_column(sa.String(200))
    id_number: so.Mapped[str] = so.mapped_column(sa.String(18), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(60))
    channel: so.Mapped[str] = so.mapped_column(sa.String(20))
    data: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    submitted_by: so.Mapped[str] = so.mapped_column(sa.String(80))
    created_at: so.Mapped[datetime]


class User(Base):
    __tablename__ = "users"
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    role: so.Mapped[str] = so.mapped_column(sa.String(20))
    groups: so.Mapped[list[Any]] = so.mapped_column(default=list)
    locality: so.Mapped[str] = so.mapped_column(sa.String(12))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    # bumped when the account is disabled, its password, role, locality or groups change, or it logs out:
    # every token carries the generation it was issued under, and an older one is refused at once
    token_generation: so.Mapped[int] = so.mapped_column(default=0, server_default="0")


class AuditEvent(Base):
    """Every read of a whole personal record, and every privileged change."""
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_scope", "locality_path", "id", postgresql_ops=PREFIX_OPS),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=True)
    at: so.Mapped[datetime] = so.mapped_column(index=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(80))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    resource: so.Mapped[str] = so.mapped_column(sa.String(40))
    resource_id: so.Mapped[str] = so.mapped_column(sa.String(80))
    details: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    # the record's locality path (the actor's when the record has none), so auditors see their subtree's rows
    locality_path: so.Mapped[str] = so.mapped_column(sa.String(200))
    instance_id: so.Mapped[Optional[str]] = so.mapped_column(sa.String(36), index=True)  # the case it concerns


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeats"
    worker_id: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    pid: so.Mapped[int]
    host: so.Mapped[str] = so.mapped_column(sa.String(120))
    started_at: so.Mapped[datetime]
    beat_at: so.Mapped[datetime]
