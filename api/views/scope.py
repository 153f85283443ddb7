"""Who sees what: the caller's locality subtree, and which cases their department works on (need-to-know).

One rule for every view:
- a record asked for by its id that lies outside the caller's subtree answers 404, as an unknown id does, so
  that nobody learns which ids exist elsewhere;
- a locality named in the request (``locality=220000``, a deploy or a draft for 220000) that lies outside the
  subtree answers 403: the locality tree is no secret, acting on another branch of it is not allowed;
- lists only ever hold rows of the subtree (a LIKE on the indexed ``locality_path`` column with the caller's own
  path as a prefix: ``/000000/340000/340700/340722/%``).
"""
from __future__ import annotations

from flask_smorest import abort

from engine import queries

from ..auth import current
from .common import engine


def path_prefix(code: str | None = None) -> str:
    """The LIKE pattern of a locality's subtree (the caller's by default): its path followed by ``%``."""
    eng = engine()
    code = code or current().locality
    if code not in eng.runtime.localities.all():
        abort(403, message="未知的地区：the locality is unknown, so nothing is in your scope")
    return eng.runtime.localities.path(code) + "%"


def leaf_locality(code: str | None = None) -> str | None:
    """The locality (the caller's by default) when it has no localities below it, else None: a county clerk's
    lists then filter on the locality itself, whose indexes keep their order (a path prefix cannot)."""
    eng = engine()
    code = code or current().locality
    return None if any(info.parent == code for info in eng.runtime.localities.all().values()) else code


def in_subtree(code: str | None) -> bool:
    """Whether a locality lies in the caller's subtree."""
    return bool(code) and current().sees(engine(), code)


def on_chain(code: str | None) -> bool:
    """Whether a locality is an ancestor of the caller's locality (whose definitions the caller inherits)."""
    return bool(code) and code in engine().runtime.localities.chain(current().locality)


def visible_localities() -> set[str]:
    """The caller's ancestors (inherited, read-only) and the caller's whole subtree."""
    eng = engine()
    mine = current().locality
    return {c for c in eng.runtime.localities.all() if eng.runtime.localities.in_scope(mine, c)} | set(eng.runtime.localities.chain(mine))


def found_in_scope(row, locality: str | None, what: str, ident):
    """The row when it exists inside the caller's subtree; otherwise 404, without saying which."""
    if row is None or not in_subtree(locality):
        abort(404, message=f"没有这个{what}：no {what} with that id in your locality")
    return row


def locality_allowed(code: str, what: str = "locality") -> None:
    """403 when the caller names a locality outside their subtree (404 when it does not exist at all)."""
    eng = engine()
    if code not in eng.runtime.localities.all():
        abort(404, message="未知的地区：no such locality")
    if not in_subtree(code):
        abort(403, message=f"无权操作该地区：the {what} you named is outside your locality {current().locality}")


def works_on(session, instance_id: str, groups) -> bool:
    """Whether one of the caller's departments works on the case.

    A department works on a case when it has (or had) a human task in it — it is among the task's candidate
    groups, open or completed — or when one of the case's joint items (联办事项) is its item.
    """
    return queries.department_works_on(session, instance_id, groups)
