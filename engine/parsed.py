"""The one reading of a definition file: ``parsed(kind, content)`` → ``ParsedDefinition``.

A BPMN, DMN or form file is read here once: the XML with a hardened parser (no entities, no DTD, no
network, at most ``MAX_BYTES``), a form's JSON, and the facts deploy, validation, diff, timer starts and
the spec cache need (its key and name, its processes, the processes it calls, its timer start events,
the elements a diff compares). What is derived from the content alone — the SpiffWorkflow process specs
(``engine.specs.parse_process``), the compiled DMN decisions, the content-only deploy checks — is kept on
the parsed form (``derived``), so every later use finds it.

Parsed forms are memoised per process by (kind, content hash): the content is immutable, so a second deploy of
the same files (every test's set-up, every restart's folder sync, a worker's timer tick) reads nothing again.
The memo is a bounded LRU; a parsed form is never changed once built (derived facts are added, never replaced).
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from functools import cached_property

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_BYTES = 5_000_000           # bytes of one definition file (as engine.dmn allows for a DMN file)
MEMO_SIZE = 128                 # parsed files kept per process (the folders hold about 40; ~0.3 MB each)

_DIFF_SKIP = {"BPMNDiagram", "BPMNPlane", "BPMNShape", "BPMNEdge", "Bounds", "waypoint", "BPMNLabel", "DMNDI",
              "DMNDiagram", "DMNShape", "DMNEdge", "incoming", "outgoing"}


class _Parsers(threading.local):
    """One lxml parser of each kind per thread (an lxml parser is not to be used by two threads at once)."""

    def __init__(self):
        hardened = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
        self.bpmn = etree.XMLParser(**hardened)
        # DMN drops comments and processing instructions, as engine.dmn has always read it
        self.dmn = etree.XMLParser(**hardened, remove_comments=True, remove_pis=True)


_PARSERS = _Parsers()


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class NotReadable(Exception):
    """A file with no identity (not well-formed, no process / decision / form id); ``message`` names why."""

    def __init__(self, summary: str, message: str):
        super().__init__(summary)
        self.summary, self.message = summary, message


class ParsedDefinition:
    """One definition file read once. ``root`` is the lxml root (BPMN / DMN), ``data`` a form's JSON."""

    def __init__(self, kind: str | None, content: str, digest: str):
        self.kind, self.content, self.digest = kind, content, digest
        self.root = None
        self.data = None
        self.error: NotReadable | None = None
        self.key: str | None = None
        self.name: str | None = None
        self.extra_keys: tuple[str, ...] = ()
        self._derived: dict = {}
        self._lock = threading.Lock()
        try:
            self._read()
        except NotReadable as exc:
            self.error = exc

    # ---- reading -------------------------------------------------------------------------
    def _read(self) -> None:
        if self.kind in ("bpmn", "dmn"):
            raw = self.content.encode("utf-8")
            if len(raw) > MAX_BYTES:
                raise NotReadable("too large", f"the file is {len(raw)} bytes; at most {MAX_BYTES} are allowed")
            try:
                self.root = etree.fromstring(raw, getattr(_PARSERS, self.kind))
            except etree.XMLSyntaxError as exc:
                raise NotReadable("not well-formed XML", f"not well-formed XML: {exc}") from None
            (self._identify_bpmn if self.kind == "bpmn" else self._identify_dmn)()
        elif self.kind == "form":
            try:
                data = json.loads(self.content)
            except json.JSONDecodeError as exc:
                raise NotReadable("not JSON", f"not valid JSON: {exc}") from None
            if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"].strip():
                raise NotReadable("a form needs an id", 'a form-js form needs a top-level "id"')
            self.data = data
            self.key, self.name = data["id"], data.get("title") or data.get("name") or data["id"]
        else:
            raise NotReadable("unknown file type", "expected .bpmn, .dmn or a form .json file")

    def _identify_bpmn(self) -> None:
        processes = self.processes
        if not processes:
            raise NotReadable("no bpmn:process", "the file defines no process")
        main = (self.executable or processes)[0]
        self.key, self.name = main.get("id"), main.get("name") or main.get("id")
        self.extra_keys = tuple(p.get("id") for p in processes if p is not main)

    def _identify_dmn(self) -> None:
        decisions = [el for el in self.root if isinstance(el.tag, str) and etree.QName(el).localname == "decision"]
        if not decisions:
            raise NotReadable("no decision", "the file defines no decision")
        first = decisions[0]   # DMN 1.3 label (the Chinese title policy staff read) before the name
        self.key = first.get("id")
        self.name = first.get("label") or first.get("name") or first.get("id")
        self.extra_keys = tuple(d.get("id") for d in decisions[1:])

    # ---- facts of a BPMN file --------------------------------------------------------------
    @cached_property
    def processes(self) -> list:
        return self.root.findall(f"{{{BPMN_NS}}}process") if self.kind == "bpmn" and self.root is not None else []

    @cached_property
    def executable(self) -> list:
        return [p for p in self.processes if p.get("isExecutable") == "true"]

    @cached_property
    def calls(self) -> tuple[tuple[str, str], ...]:
        """(called process key, id of the first call activity naming it), sorted by key."""
        first: dict[str, str] = {}
        if self.kind == "bpmn" and self.root is not None:
            for el in self.root.iter(f"{{{BPMN_NS}}}callActivity"):
                if el.get("calledElement"):
                    first.setdefault(el.get("calledElement"), el.get("id"))
        return tuple(sorted(first.items()))

    @cached_property
    def called(self) -> tuple[str, ...]:
        """The process keys the file's call activities name, sorted."""
        return tuple(key for key, _ in self.calls)

    @cached_property
    def start_timer_texts(self) -> tuple[tuple[str, str], ...]:
        """(kind, text as written) of each timer start event of the file's first process."""
        out = []
        for proc in self.processes[:1]:
            for start in proc.findall(f"{{{BPMN_NS}}}startEvent"):
                for timer in start.findall(f"{{{BPMN_NS}}}timerEventDefinition"):
                    for kind in ("timeCycle", "timeDate"):
                        el = timer.find(f"{{{BPMN_NS}}}{kind}")
                        if el is not None and (el.text or "").strip():
                            out.append((kind, el.text))
        return tuple(out)

    # ---- facts of any XML file --------------------------------------------------------------
    @cached_property
    def elements(self) -> dict[str, dict]:
        """Every element with an id (diagram layout left out): its type, name and attributes, for a diff."""
        out = {}
        if self.root is None:
            return out
        for el in self.root.iter():
            if not isinstance(el.tag, str) or etree.QName(el).localname in _DIFF_SKIP:
                continue
            eid = el.get("id")
            if not eid:
                continue
            attrs = {etree.QName(k).localname: v for k, v in el.attrib.items() if etree.QName(k).localname != "id"}
            texts = {f"{etree.QName(c).localname}": (c.text or "").strip() for c in el
                     if isinstance(c.tag, str) and not c.get("id") and (c.text or "").strip()}
            out[eid] = {"type": etree.QName(el).localname, "name": el.get("name") or el.get("label") or "",
                        "attrs": {**attrs, **texts}}
        return out

    # ---- what other modules derive from the content alone ---------------------------------------
    def derived(self, name, build):
        """The value ``build()`` gives for this content, built once (``name`` says what it is, with any
        argument it depends on, e.g. ``("decisions", file name)``). A failure is not kept."""
        try:
            return self._derived[name]
        except KeyError:
            pass
        value = build()
        with self._lock:
            return self._derived.setdefault(name, value)


class _Memo:
    """A bounded LRU of values built once per key, safe between threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0

    def get(self, key, build):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        value = build()
        with self._lock:
            self.misses += 1
            found = self._items.setdefault(key, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_MEMO = _Memo(MEMO_SIZE)


def parsed(kind: str | None, content: str, digest: str | None = None) -> ParsedDefinition:
    """The parsed form of ``content`` read as ``kind`` ("bpmn", "dmn", "form"); ``digest`` is its
    content hash when the caller has it (a stored definition's ``content_hash``)."""
    digest = digest or content_hash(content)
    return _MEMO.get((kind, digest), lambda: ParsedDefinition(kind, content, digest))


def forget() -> None:
    """Drop every memoised parsed form (what a restarted process holds: nothing)."""
    _MEMO.clear()


def reads() -> int:
    """How many files were read (parsed forms built) in this process: the bench counts them."""
    return _MEMO.misses


def decisions(p: ParsedDefinition, file_name: str) -> dict:
    """{decision id: decision} of a parsed DMN file, compiled once (engine.dmn keeps the file name in its
    messages, so per file name)."""
    def build():
        from .dmn import load_decisions

        return {d.id: d for d in load_decisions(p.root if p.root is not None else p.content, file_name)}

    return p.derived(("decisions", file_name), build)
