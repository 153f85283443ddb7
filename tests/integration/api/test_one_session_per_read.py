"""A read page checks the account in the session it reads with: one connection per request, not two."""
from __future__ import annotations

import sqlalchemy as sa


def _begins(eng, call) -> int:
    n = [0]

    def begin(_conn):
        n[0] += 1
    sa.event.listen(eng.runtime.db, "begin", begin)
    try:
        rv = call()
    finally:
        sa.event.remove(eng.runtime.db, "begin", begin)
    assert rv.status_code < 500, rv.json
    return n[0]


def test_the_task_list_and_a_task_read_each_take_one_connection_for_the_account_and_the_page(eng, client, login):
    admin = login("admin")
    assert _begins(eng, lambda: client.get("/api/tasks?business_key=none", headers=admin)) == 1
    assert _begins(eng, lambda: client.get("/api/tasks/no-such-task", headers=admin)) == 1
    assert _begins(eng, lambda: client.get("/api/applications/none/progress", headers=admin)) == 1
