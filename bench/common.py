"""Shared by the volume benches: a throw-away PostgreSQL schema, an engine on it, row cloning, percentiles."""
from __future__ import annotations

import os
import statistics
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.bootstrap import bootstrap  # noqa: E402
from engine.store.models import Base  # noqa: E402
from handlers.ledger.schema import metadata as ledger_md  # noqa: E402

DEFAULT_PG = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_scale")


class Schema:
    """A fresh schema in the database (dropped by close()), so a bench never touches the tests' tables."""

    def __init__(self, url: str, prefix: str):
        self.url, self.name = url, f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.admin = sa.create_engine(url)
        with self.admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{self.name}"'))

    def db(self, pool_size: int = 5):
        return sa.create_engine(self.url, connect_args={"options": f"-csearch_path={self.name}"},
                                pool_pre_ping=True, pool_size=pool_size, max_overflow=10)

    def engine(self, *, worker_id: str = "bench", clock=None, create: bool = False, pool_size: int = 5):
        eng = bootstrap(self.url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", clock=clock,
                        db_engine=self.db(pool_size), worker_id=worker_id)
        if create:
            Base.metadata.create_all(eng.runtime.db)
            ledger_md.create_all(eng.runtime.db)
            eng.deploy_folders("bench")
        return eng

    def close(self):
        with self.admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.admin.dispose()


def clone_sql(table: sa.Table, source: str, overrides: dict[str, str]) -> tuple[str, str]:
    """(column list, select list) that copy every column of ``source`` (an alias of ``table``) but the
    overridden ones, which take the given SQL expressions."""
    cols = [c.name for c in table.columns
            if not (c.primary_key and isinstance(c.type, sa.Integer) and c.name not in overrides)]
    return (", ".join(f'"{c}"' for c in cols),
            ", ".join(overrides.get(c, f'{source}."{c}"') for c in cols))


def pct(values, p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def summary(values) -> str:
    return f"p50 {pct(values, 50):8.2f}  p95 {pct(values, 95):8.2f}  p99 {pct(values, 99):8.2f}  (n={len(values)}, mean {statistics.fmean(values):.2f})"
