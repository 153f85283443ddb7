"""Deployed definitions: numbered versions per locality, resolved along the locality chain.

Every deploy gets a deployment number (a global sequence). A definition is visible "as of" number S
when it was deployed at or before S and not retired at or before S, so resolving (kind, key,
locality, S) never changes once S has passed: the result is cached for good.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import orm as so

from .errors import DefinitionNotDeployed, InvalidDefinition
from .parsed import BPMN_NS, ParsedDefinition, content_hash, parsed
from .store.models import Definition, Deployment

__all__ = ["BPMN_NS", "DefinitionFile", "DefinitionStore", "content_hash", "identify", "kind_of"]

KINDS = {".bpmn": "bpmn", ".bpmn20.xml": "bpmn", ".dmn": "dmn", ".json": "form", ".form": "form"}


@dataclass
class DefinitionFile:
    name: str
    content: str

    @property
    def kind(self) -> str | None:
        lower = self.name.lower()
        for ext, kind in KINDS.items():
            if lower.endswith(ext):
                return kind
        return None

    @cached_property
    def parsed(self) -> ParsedDefinition:
        """The file read once (memoised by content hash: the same content is never read twice)."""
        return parsed(self.kind, self.content)


def kind_of(file_name: str) -> str | None:
    return DefinitionFile(file_name, "").kind


def identify(f: DefinitionFile) -> tuple[str, str, list[str]]:
    """(key, name, extra keys) of a file; raises InvalidDefinition when it has none."""
    p = f.parsed
    if p.error is not None:
        raise InvalidDefinition(f"{f.name}: {p.error.summary}", [
            {"file": f.name, "element_id": None, "message": p.error.message}])
    return p.key, p.name, list(p.extra_keys)


class DefinitionStore:
    """Queries and writes of the definitions table; knows the locality chain through ``chain_of``."""

    def __init__(self, chain_of):
        self._chain_of = chain_of
        self._resolved: dict[tuple, int | None] = {}

    # prebuilt (compiled once) and run on the session's connection: every start, every validated completion and
    # every page that shows a form reads it
    _LATEST_SEQ = sa.select(sa.func.max(Deployment.__table__.c.id))

    @classmethod
    def latest_seq(cls, session: so.Session) -> int:
        if session.autoflush and session.new:   # a deployment added in this session counts, as with the ORM
            session.flush()
        return session.connection().execute(cls._LATEST_SEQ).scalar() or 0

    def resolve(self, session: so.Session, kind: str, key: str, locality: str, seq: int) -> Definition | None:
        cache_key = (kind, key, locality, seq)
        if cache_key in self._resolved:
            def_id = self._resolved[cache_key]
            return session.get(Definition, def_id) if def_id else None
        return self._resolve(session, cache_key)

    def resolve_id(self, session: so.Session, kind: str, key: str, locality: str, seq: int) -> int | None:
        """The id ``resolve`` would give, without loading the row (and its content) once the answer is cached."""
        cache_key = (kind, key, locality, seq)
        if cache_key in self._resolved:
            return self._resolved[cache_key]
        found = self._resolve(session, cache_key)
        return found.id if found is not None else None

    def _resolve(self, session, cache_key: tuple) -> Definition | None:
        kind, key, locality, seq = cache_key
        found = None
        for code in self._chain_of(locality):
            found = self._latest_at(session, kind, key, code, seq)
            if found is None and kind in ("bpmn", "dmn"):   # a DRD file holds several decisions
                found = self._latest_at(session, kind, key, code, seq, extra=True)
            if found is not None:
                break
        if seq <= self.latest_seq(session):
            self._resolved[cache_key] = found.id if found else None
        return found

    @staticmethod
    def _latest_at(session, kind, key, code, seq, extra=False) -> Definition | None:
        q = sa.select(Definition).where(Definition.kind == kind, Definition.locality == code,
                                        Definition.deployment_id <= seq,
                                        sa.or_(Definition.retired_seq.is_(None), Definition.retired_seq > seq))
        if extra:
            rows = session.scalars(q.order_by(Definition.version.desc())).all()
            return next((r for r in rows if key in (r.extra_keys or [])), None)
        return session.scalars(q.where(Definition.key == key).order_by(Definition.version.desc()).limit(1)).first()

    def require(self, session, kind, key, locality, seq) -> Definition:
        found = self.resolve(session, kind, key, locality, seq)
        if found is None:
            raise _not_deployed(kind, key, locality)
        return found

    def require_id(self, session, kind, key, locality, seq) -> int:
        found = self.resolve_id(session, kind, key, locality, seq)
        if found is None:
            raise _not_deployed(kind, key, locality)
        return found

    def current_at(self, session, code: str, seq: int) -> list[Definition]:
        """Definitions defined exactly at ``code`` and in force (latest version per key)."""
        rows = session.scalars(sa.select(Definition).where(
            Definition.locality == code, Definition.deployment_id <= seq,
            sa.or_(Definition.retired_seq.is_(None), Definition.retired_seq > seq)).order_by(
            Definition.kind, Definition.key, Definition.version.desc())).all()
        seen, out = set(), []
        for r in rows:
            if (r.kind, r.key) not in seen:
                seen.add((r.kind, r.key))
                out.append(r)
        return out

    def effective(self, session, locality: str) -> list[tuple[Definition, bool, bool]]:
        """(definition, inherited, overridden) for every key in force at ``locality``."""
        seq = self.latest_seq(session)
        chain = self._chain_of(locality)
        by_key: dict[tuple, list[Definition]] = {}
        for code in chain:
            for d in self.current_at(session, code, seq):
                by_key.setdefault((d.kind, d.key), []).append(d)
        out = []
        for (_kind, _key), defs in sorted(by_key.items()):
            nearest = defs[0]
            out.append((nearest, nearest.locality != locality, nearest.locality == locality and len(defs) > 1))
        return out

    def add_version(self, session, deployment: Deployment, f: DefinitionFile, author: str, note: str,
                    now) -> tuple[Definition, bool]:
        """Store ``f`` as the next version at the deployment's locality; (definition, created)."""
        key, name, extra = identify(f)
        digest = f.parsed.digest
        current = session.scalars(sa.select(Definition).where(
            Definition.locality == deployment.locality, Definition.kind == f.kind, Definition.key == key)
            .order_by(Definition.version.desc()).limit(1)).first()
        if current is not None and current.content_hash == digest and current.retired_seq is None:
            return current, False
        definition = Definition(
            deployment_id=deployment.id, locality=deployment.locality, kind=f.kind, key=key, name=name,
            version=(current.version + 1) if current else 1, file_name=Path(f.name).name, content=f.content,
            content_hash=digest, extra_keys=extra, deployed_at=now, author=author, note=note)
        session.add(definition)
        session.flush()
        return definition, True


def _not_deployed(kind: str, key: str, locality: str) -> DefinitionNotDeployed:
    return DefinitionNotDeployed(f"no {kind} definition '{key}' is deployed for locality {locality} or its parents",
                                 field="key")
