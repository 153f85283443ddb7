"""Parsed process specs: parsed once per (definition, called definitions) and shared by every instance."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from io import BytesIO

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

from .bpmn.parser import RetireParser
from .errors import InvalidDefinition

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass
class ProcessSpec:
    key: str
    spec: object
    subprocess_specs: dict
    item_specs: dict = field(default_factory=dict)   # task spec name → item properties


def called_elements(xml: str) -> list[str]:
    root = etree.fromstring(xml.encode("utf-8"))
    return sorted({el.get("calledElement") for el in root.iter(f"{{{BPMN_NS}}}callActivity") if el.get("calledElement")})


def parse_process(key: str, files: list[tuple[str, str]]) -> ProcessSpec:
    """Parse the main file and the files of its called processes; raise InvalidDefinition with the element."""
    parser = RetireParser()
    for name, content in files:
        try:
            parser.add_bpmn_io(BytesIO(content.encode("utf-8")), name)
        except ValidationException as exc:
            raise InvalidDefinition(str(exc), [_problem(exc, name)]) from exc
        except etree.XMLSyntaxError as exc:
            raise InvalidDefinition(str(exc), [{"file": name, "element_id": None,
                                                "message": f"not well-formed XML: {exc}"}]) from exc
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
