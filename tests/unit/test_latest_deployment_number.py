"""DefinitionStore.latest_seq runs a prebuilt statement on the session's connection; it still counts what the
session has added and not yet flushed, as the ORM query it replaces did through autoflush."""
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy import orm as so

from engine.definitions import DefinitionStore
from engine.store.models import Base, Deployment


def _session():
    db = sa.create_engine("sqlite://")
    Base.metadata.create_all(db)
    return so.Session(db)


def _deployment() -> Deployment:
    return Deployment(locality="000000", author="policy", created_at=datetime.now(timezone.utc))


def test_no_deployment_yet_is_number_zero():
    with _session() as session:
        assert DefinitionStore.latest_seq(session) == 0


def test_a_deployment_added_in_the_same_session_is_the_latest_before_any_flush():
    with _session() as session:
        session.add(_deployment())
        assert DefinitionStore.latest_seq(session) == 1
        session.add(_deployment())
        assert DefinitionStore.latest_seq(session) == 2


def test_inside_no_autoflush_only_flushed_deployments_count():
    with _session() as session:
        session.add(_deployment())
        session.flush()
        with session.no_autoflush:
            session.add(_deployment())
            assert DefinitionStore.latest_seq(session) == 1
