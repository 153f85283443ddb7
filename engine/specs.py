"""Process specs: built once per (definition, called definitions) from their parsed forms (engine.parsed) and
shared by every instance."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

from .bpmn.parser import RetireParser
from .errors import InvalidDefinition
from .parsed import ParsedDefinition, parsed


@dataclass
class ProcessSpec:
    key: str
    spec: object
    subprocess_specs: dict
    item_specs: dict = field(default_factory=dict)   # task spec name → item properties


def called_elements(xml: str) -> list[str]:
    return list(parsed("bpmn", xml).called)


def parse_process(key: str, files: list[tuple[str, str | ParsedDefinition]]) -> ProcessSpec:
    """The specs of process ``key`` of the first file, with the files of its called processes ``(file name,
    content or parsed form)``; raise InvalidDefinition with the element. Built once per (key, files' names and
    contents) and kept on the main file's parsed form."""
    files = [(name, p if isinstance(p, ParsedDefinition) else parsed("bpmn", p)) for name, p in files]
    main = files[0][1]
    return main.derived(("spec", key, tuple((name, p.digest) for name, p in files)), lambda: _build(key, files))


def _build(key: str, files: list[tuple[str, ParsedDefinition]]) -> ProcessSpec:
    parser = RetireParser()
    for name, p in files:
        if p.error is not None:
            raise InvalidDefinition(f"{name}: {p.error.summary}", [{"file": name, "element_id": None,
                                                                     "message": p.error.message}])
        try:
            parser.add_bpmn_xml(p.root, name)
        except ValidationException as exc:
            raise InvalidDefinition(str(exc), [_problem(exc, name)]) from exc
    try:
        spec = parser.get_spec(key)
        subs = parser.get_subprocess_specs(key)
    except ValidationException as exc:
        raise InvalidDefinition(str(exc), [_problem(exc, files[0][0])]) from exc
    except KeyError as exc:
        raise InvalidDefinition(str(exc), [{"file": files[0][0], "element_id": None,
                                            "message": f"called process {exc} is not deployed"}]) from exc
    items = {}
    for s in [spec, *subs.values()]:
        _connect_loop_bodies(s)
        for name, ts in s.task_specs.items():
            props = (getattr(ts, "extensions", None) or {}).get("properties") or {}
            if props.get("item"):
                items[name] = props
    return ProcessSpec(key=key, spec=spec, subprocess_specs=subs, item_specs=items)


def _connect_loop_bodies(spec) -> None:
    """Connect each loop / multi-instance body to its merge now, as Spiff's spec deserializer does.

    A freshly parsed spec connects it only when it creates a first instance itself, so a case restored onto
    it (after a restart, or moved to another version) would complete its instances without ever merging.
    """
    for ts in spec.task_specs.values():
        if isinstance(ts, LoopTask):
            body = spec.task_specs[ts.task_spec]
            if not body.completed_event.is_connected(ts.merge_child):
                body.completed_event.connect(ts.merge_child)


def _problem(exc: ValidationException, default_file: str) -> dict:
    return {"file": getattr(exc, "file_name", None) or default_file, "element_id": getattr(exc, "id", None),
            "message": str(getattr(exc, "message", None) or exc).split("\n")[0]}


class SpecCache:
    def __init__(self):
        self._specs: dict[tuple, ProcessSpec] = {}
        self._lock = threading.Lock()

    def get(self, cache_key: tuple, build) -> ProcessSpec:
        found = self._specs.get(cache_key)
        if found is None:
            found = build()
            with self._lock:
                self._specs[cache_key] = found
        return found
