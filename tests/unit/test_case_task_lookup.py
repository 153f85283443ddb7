"""The task list by business key (GET /api/tasks?business_key=…, the lookup a clerk makes after every step) runs one
prebuilt statement per shape; its pages are the ones the general list query gives, total and next cursor included."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from engine import queries
from engine.store.db import make_session_factory
from engine.store.models import Base, HumanTask, HumanTaskGroup

T0 = datetime(2026, 3, 2, 1, tzinfo=timezone.utc)
COUNTY, COUNTY_PATH = "340722", "/000000/340000/340700/340722/"


@pytest.fixture(scope="module")
def Session():
    db = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(db, tables=[HumanTask.__table__, HumanTaskGroup.__table__])
    Session = make_session_factory(db)
    with Session.begin() as s:
        for i in range(7):   # one case's tasks: dated and undated, two groups, one closed, one in another county
            groups = ["hrss"] if i % 2 else ["hrss", "medical"]
            elsewhere = i == 5
            s.add(HumanTask(id=f"t{i}", instance_id=f"case-{i}", process_key="retirement", activity_id=f"a{i}",
                            name=f"task {i}", business_key="bk-1", locality="340723" if elsewhere else COUNTY,
                            locality_path="/000000/340000/340700/340723/" if elsewhere else COUNTY_PATH,
                            candidate_groups=groups, due_at=None if i % 3 == 0 else T0 + timedelta(days=7 - i),
                            status="completed" if i == 4 else "open", created_at=T0 + timedelta(minutes=i)))
            s.add_all([HumanTaskGroup(task_id=f"t{i}", group=g) for g in groups])
        s.add(HumanTask(id="other", instance_id="case-x", process_key="retirement", activity_id="a", name="other",
                        business_key="bk-2", locality=COUNTY, locality_path=COUNTY_PATH, candidate_groups=["hrss"],
                        created_at=T0))
    return Session


def _general(session, scope, leaf, groups, size, page_no) -> dict:
    return queries.seek_page(session, queries.task_query(scope, groups=groups, business_key="bk-1", leaf=leaf),
                             queries.TASK_ORDER, size=size, page_no=page_no)


@pytest.mark.parametrize("scope,leaf", [(COUNTY_PATH + "%", COUNTY), ("/000000/340000/%", None)])
@pytest.mark.parametrize("groups", [None, ["hrss"], ["medical"], []])
@pytest.mark.parametrize("size,page_no", [(50, 1), (2, 1), (2, 2), (2, 3), (2, 9), (1, 4), (3, 2)])
def test_a_lookup_by_business_key_gives_the_page_the_general_list_query_gives(Session, scope, leaf, groups, size,
                                                                             page_no):
    with Session() as s:
        got = queries.task_page(s, scope, groups=groups, business_key="bk-1", leaf=leaf, size=size, page_no=page_no)
        want = _general(s, scope, leaf, groups, size, page_no)
        assert [t.id for t in got.pop("rows")] == [t.id for t in want.pop("rows")]
        assert got == want
