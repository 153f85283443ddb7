"""Deploying definitions: validated, numbered, unchanged content skipped; folder sync; county overrides."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from .definitions import DefinitionFile, kind_of
from .errors import InvalidDefinition, NotFound
from .localities import LEVELS, chain, path_of, read_locality_folders
from .store.models import Definition, Deployment, Locality
from .validation import validate_files

@dataclass
class DeployResult:
    deployment_id: int | None
    deployed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


class DeployOps:
    def validate(self, locality: str, files: list[DefinitionFile]) -> list[dict]:
        self.locality(locality)
        with self.reading() as session:
            return validate_files(self, session, locality, files)

    def deploy(self, locality: str, files: list[DefinitionFile], author: str, note: str = "",
               *, session=None) -> DeployResult:
        """Validate and store the files as new versions at ``locality``; nothing is stored if one fails."""
        if session is None:
            with self.transaction() as s:
                return self.deploy(locality, files, author, note, session=s)
        self.locality(locality)
        problems = validate_files(self, session, locality, files)
        errors = [p for p in problems if p.get("severity", "error") == "error"]
        if errors:
            raise InvalidDefinition(f"{len(errors)} problem(s) in the files; nothing was deployed", problems)
        now = self.now()
        deployment = Deployment(locality=locality, author=author, note=note, created_at=now)
        session.add(deployment)
        session.flush()
        result = DeployResult(deployment.id, warnings=problems)
        for f in files:
            definition, created = self.definitions.add_version(session, deployment, f, author, note, now)
            (result.deployed if created else result.unchanged).append(definition)
        if not result.deployed:
            session.delete(deployment)
            result.deployment_id = None
        return result

    def sync_folders(self, author: str = "system") -> list[DeployResult]:
        """Load ``processes/`` and ``forms/`` into the database: localities, then each folder's files."""
        folders = read_locality_folders(self.processes_dir)
        with self.transaction() as session:
            for info in folders.values():
                depth = len(chain(folders, info.code)) - 1
                row = session.get(Locality, info.code)
                if row is None:
                    row = Locality(code=info.code)
                    session.add(row)
                row.name, row.parent, row.settings = info.name, info.parent, info.settings
                row.level = LEVELS.get(depth, "county")
                row.path = path_of(folders, info.code)
        self.forget_localities()
        results = []
        for code in sorted(folders, key=lambda c: len(chain(folders, c))):
            files = _folder_files(self.processes_dir / code) + _folder_files(self.forms_dir / code)
            if files:
                results.append(self.deploy(code, files, author, "loaded from the processes folder"))
        return results

    def adapt(self, locality: str, definition_id: int, author: str) -> Definition:
        """Give ``locality`` its own copy of an inherited definition (it then overrides its parents')."""
        with self.transaction() as session:
            source = session.get(Definition, definition_id)
            if source is None:
                raise NotFound(f"no definition {definition_id}", field="definition_id")
            if source.locality not in self.chain(locality) or source.locality == locality:
                raise InvalidDefinition("only a definition inherited from a parent locality can be adapted", [
                    {"file": source.file_name, "element_id": None,
                     "message": f"{source.key} is defined at {source.locality}, not inherited by {locality}"}])
            result = self.deploy(locality, [DefinitionFile(source.file_name, source.content)], author,
                                 f"adapted from {source.locality} v{source.version}", session=session)
            return (result.deployed or result.unchanged)[0]

    def drop_override(self, locality: str, kind: str, key: str, author: str) -> int:
        """Retire ``locality``'s own versions of (kind, key) so that it inherits again → versions retired."""
        with self.transaction() as session:
            rows = session.scalars(sa.select(Definition).where(
                Definition.locality == locality, Definition.kind == kind, Definition.key == key,
                Definition.retired_seq.is_(None))).all()
            if not rows:
                raise NotFound(f"{locality} has no own {kind} '{key}' to drop", field="key")
            deployment = Deployment(locality=locality, author=author, note=f"dropped override of {kind} {key}",
                                    created_at=self.now())
            session.add(deployment)
            session.flush()
            for r in rows:
                r.retired_seq = deployment.id
            return len(rows)


def _folder_files(folder: Path) -> list[DefinitionFile]:
    if not folder.is_dir():
        return []
    return [DefinitionFile(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.iterdir())
            if p.is_file() and kind_of(p.name)]
