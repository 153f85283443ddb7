"""Deploying definitions: validated, numbered, unchanged content skipped; the locality folders loaded; county overrides."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from .definitions import DefinitionFile, content_hash, identify, kind_of
from .errors import InvalidDefinition, NotFound
from .localities import LEVELS, chain, path_of, read_locality_folders
from .store.models import Definition, Deployment, Locality
from .validation import validate_files

FOLDER_NOTE = "loaded from the processes folder"


@dataclass
class DeployResult:
    deployment_id: int | None
    deployed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # folder files not deployed by a start: {locality, file, kind, key, reason: changed_on_disk | newer_deployment,
    # latest_version, latest_author}
    kept: list = field(default_factory=list)


class Deployments:
    """Validating and deploying definitions, loading the locality folders, county overrides."""

    def __init__(self, rt):
        self._rt = rt

    def validate(self, locality: str, files: list[DefinitionFile]) -> list[dict]:
        self._rt.localities.require(locality)
        with self._rt.reading() as session:
            return validate_files(self._rt, session, locality, files)

    def deploy(self, locality: str, files: list[DefinitionFile], author: str, note: str = "",
               *, session=None) -> DeployResult:
        """Validate and store the files as new versions at ``locality``; nothing is stored if one fails."""
        if session is None:
            with self._rt.transaction() as s:
                return self.deploy(locality, files, author, note, session=s)
        self._rt.localities.require(locality)
        problems = validate_files(self._rt, session, locality, files)
        errors = [p for p in problems if p.get("severity", "error") == "error"]
        if errors:
            raise InvalidDefinition(f"{len(errors)} problem(s) in the files; nothing was deployed", problems)
        now = self._rt.now()
        deployment = Deployment(locality=locality, author=author, note=note, created_at=now)
        session.add(deployment)
        session.flush()
        result = DeployResult(deployment.id, warnings=problems)
        for f in files:
            definition, created = self._rt.definitions.add_version(session, deployment, f, author, note, now)
            (result.deployed if created else result.unchanged).append(definition)
        if not result.deployed:
            session.delete(deployment)
            result.deployment_id = None
        return result

    def deploy_folders(self, author: str = "system", *, deploy_changed: bool = False) -> list[DeployResult]:
        """Load ``processes/`` and ``forms/`` into the database: localities, then each folder's files.

        A file with no version at its locality yet is deployed. A file whose content is what the folder last
        loaded is left alone, whatever policy staff deployed since (from the modeler or the API): a start never
        puts the folder's old content on top of their newer version. A file that changed on disk since the folder
        last loaded it is only reported (``kept``) — unless ``deploy_changed`` (``retire deploy``), which deploys it.
        """
        folders = read_locality_folders(self._rt.processes_dir)
        with self._rt.transaction() as session:
            for info in folders.values():
                depth = len(chain(folders, info.code)) - 1
                row = session.get(Locality, info.code)
                if row is None:
                    row = Locality(code=info.code)
                    session.add(row)
                row.name, row.parent, row.settings = info.name, info.parent, info.settings
                row.level = LEVELS.get(depth, "county")
                row.path = path_of(folders, info.code)
        self._rt.localities.forget()
        results = []
        for code in sorted(folders, key=lambda c: len(chain(folders, c))):
            files = _folder_files(self._rt.processes_dir / code) + _folder_files(self._rt.forms_dir / code)
            if not files:
                continue
            chosen, kept = self._folder_plan(code, files, deploy_changed)
            result = self.deploy(code, chosen, author, FOLDER_NOTE) if chosen else DeployResult(None)
            result.kept = kept
            results.append(result)
        return results

    def _folder_plan(self, code: str, files: list[DefinitionFile], deploy_changed: bool):
        """(files to deploy, files kept back with the reason) for one locality folder."""
        chosen, kept = [], []
        with self._rt.reading() as session:
            for f in files:
                try:
                    key = identify(f)[0]
                except InvalidDefinition:
                    chosen.append(f)      # deploy refuses it with its problems, as before
                    continue
                versions = session.scalars(sa.select(Definition).where(
                    Definition.locality == code, Definition.kind == f.kind, Definition.key == key)
                    .order_by(Definition.version.desc())).all()
                if not versions:
                    chosen.append(f)
                    continue
                digest, latest = content_hash(f.content), versions[0]
                from_folder = next((v for v in versions if v.note == FOLDER_NOTE), None)
                if latest.content_hash == digest or (from_folder is not None and from_folder.content_hash == digest):
                    continue              # the disk holds what is deployed, or what the folder loaded before
                if deploy_changed:
                    chosen.append(f)
                    continue
                kept.append({"locality": code, "file": f.name, "kind": f.kind, "key": key,
                             "reason": "changed_on_disk" if latest.note == FOLDER_NOTE else "newer_deployment",
                             "latest_version": latest.version, "latest_author": latest.author})
        return chosen, kept

    def adapt(self, locality: str, definition_id: int, author: str) -> Definition:
        """Give ``locality`` its own copy of an inherited definition (it then overrides its parents')."""
        with self._rt.transaction() as session:
            source = session.get(Definition, definition_id)
            if source is None:
                raise NotFound(f"no definition {definition_id}", field="definition_id")
            if source.locality not in self._rt.localities.chain(locality) or source.locality == locality:
                raise InvalidDefinition("only a definition inherited from a parent locality can be adapted", [
                    {"file": source.file_name, "element_id": None,
                     "message": f"{source.key} is defined at {source.locality}, not inherited by {locality}"}])
            result = self.deploy(locality, [DefinitionFile(source.file_name, source.content)], author,
                                 f"adapted from {source.locality} v{source.version}", session=session)
            return (result.deployed or result.unchanged)[0]

    def drop_override(self, locality: str, kind: str, key: str, author: str) -> int:
        """Retire ``locality``'s own versions of (kind, key) so that it inherits again → versions retired."""
        with self._rt.transaction() as session:
            rows = session.scalars(sa.select(Definition).where(
                Definition.locality == locality, Definition.kind == kind, Definition.key == key,
                Definition.retired_seq.is_(None))).all()
            if not rows:
                raise NotFound(f"{locality} has no own {kind} '{key}' to drop", field="key")
            deployment = Deployment(locality=locality, author=author, note=f"dropped override of {kind} {key}",
                                    created_at=self._rt.now())
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
