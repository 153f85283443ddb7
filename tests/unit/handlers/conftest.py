"""Fixtures for the handler unit tests: a context with fake ports, settings and decisions."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from handler_builders import SETTINGS, default_decide

from handlers.context import HandlerContext
from handlers.fakes import fake_ports


@pytest.fixture
def make_ctx():
    def build(topic="test.topic", *, ports=None, variables=None, inputs=None, settings=None, decide=None,
              locality="340722", business_key="CASE-1", key=None, now=None, task_id="task-1"):
        return HandlerContext(
            topic=topic, instance_id="instance-1", task_id=task_id, business_key=business_key, locality=locality,
            variables=dict(variables or {}), settings=settings if settings is not None else SETTINGS,
            now=now or datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc), ports=ports or fake_ports(),
            decide=decide or default_decide, idempotency_key=key or f"instance-1:{task_id}",
            inputs=dict(inputs or {}))
    return build
