"""The DMN TCK run through the engine's own loader and evaluator.

Each folder of ``../shared/corpus/dmn-tck/compliance-level-N`` holds a model (``*.dmn``, sometimes with
imported models beside it) and its test cases (``*-test-01.xml``, the TCK's ``testCases.xsd`` format).
A case passes when every result node gives its expected value: numbers compared as numbers, lists and
contexts structurally, null as null, dates, times and durations as values; a node marked
``errorResult="true"`` passes when the engine gives null or refuses with a decision error.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def corpus_root() -> Path | None:
    """The TCK beside the project (``../shared/corpus/dmn-tck``), or where $DMN_TCK says."""
    here = Path(__file__).resolve()
    for candidate in (os.environ.get("DMN_TCK"), here.parents[3] / "shared" / "corpus" / "dmn-tck",
                      here.parents[4] / "shared" / "corpus" / "dmn-tck", "/work/shared/corpus/dmn-tck"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def folders(level: int) -> list[Path]:
    root = corpus_root()
    if root is None:
        return []
    base = root / f"compliance-level-{level}"
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


# ---- the test-case file ------------------------------------------------------------------------

@dataclass
class ResultNode:
    name: str
    expected: Any
    error_result: bool = False


@dataclass
class Case:
    folder: str
    id: str
    model_name: str
    inputs: dict
    results: list[ResultNode]
    invocable: str | None = None       # a decision service invoked directly
    description: str = ""

    @property
    def key(self) -> str:
        return f"{self.folder}:{self.id}"


@dataclass
class Outcome:
    case: Case
    passed: bool
    detail: str = ""
    actual: dict = field(default_factory=dict)
    crashed: bool = False              # the engine raised something other than a DecisionError


def read_cases(folder: Path) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*-test-*.xml")):
        root = etree.parse(str(path), etree.XMLParser(remove_comments=True, resolve_entities=False,
                                                      no_network=True)).getroot()
        model_name = _child_text(root, "modelName") or ""
        for tc in _children(root, "testCase"):
            inputs = {}
            for node in _children(tc, "inputNode"):
                inputs[node.get("name")] = as_input(read_value(node))
            results = [ResultNode(r.get("name"), read_value(_child(r, "expected")),
                                  r.get("errorResult") == "true")
                       for r in _children(tc, "resultNode")]
            invocable = tc.get("invocableName") if tc.get("type") == "decisionService" else None
            cases.append(Case(folder.name, tc.get("id") or str(len(cases) + 1), model_name, inputs, results,
                              invocable, _child_text(tc, "description") or ""))
    return cases


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el, name):
    return [c for c in el if _local(c) == name]


def _child(el, name):
    found = _children(el, name) if el is not None else []
    return found[0] if found else None


def _child_text(el, name):
    c = _child(el, name)
    return c.text.strip() if c is not None and c.text else None


def read_value(node):
    """A TCK value node (inputNode, expected, component, item) as a Python value."""
    if node is None:
        return None
    value = _child(node, "value")
    if value is not None:
        return _scalar(value)
    lst = _child(node, "list")
    if lst is not None:
        return [read_value(item) for item in _children(lst, "item")]
    components = _children(node, "component")
    if components:
        return {c.get("name"): read_value(c) for c in components}
    if node.get(XSI_NIL) == "true":
        return None
    return None


def as_input(value):
    """An input value as the engine takes it: durations as timedelta or years-and-months durations."""
    if isinstance(value, Duration):
        from datetime import timedelta as td

        from engine.feel import YearsMonthsDuration
        if value.year_month:
            return YearsMonthsDuration(value.months)
        return td(seconds=float(value.seconds)) if value.seconds % 1 else td(seconds=int(value.seconds))
    if isinstance(value, list):
        return [as_input(v) for v in value]
    if isinstance(value, dict):
        return {k: as_input(v) for k, v in value.items()}
    return value


def _scalar(value):
    if value.get(XSI_NIL) == "true":
        return None
    kind = (value.get(XSI_TYPE) or "").split(":")[-1]
    text = value.text or ""
    if kind in ("decimal", "double", "integer", "int", "long", "float"):
        return Decimal(text.strip())
    if kind == "boolean":
        return text.strip() == "true"
    if kind == "date":
        return date.fromisoformat(text.strip())
    if kind == "dateTime":
        return parse_date_time(text.strip())
    if kind == "time":
        return parse_time(text.strip())
    if kind == "duration":
        return Duration.parse(text.strip())
    # a <value> holding nested components or a list (seen in some cases)
    components = _children(value, "component")
    if components:
        return {c.get("name"): read_value(c) for c in components}
    lst = _child(value, "list")
    if lst is not None:
        return [read_value(item) for item in _children(lst, "item")]
    return text


def _zone(text: str):
    if text.startswith("@"):
        from zoneinfo import ZoneInfo
        return ZoneInfo(text[1:])
    if text in ("Z", "z"):
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    hh, mm = text[1:].split(":")[:2]
    return timezone(sign * timedelta(hours=int(hh), minutes=int(mm)))


_ZONE = re.compile(r"(Z|z|[+-]\d\d:\d\d(?::\d\d)?|@[A-Za-z_/+\-0-9]+)$")


def parse_time(text: str) -> time:
    m = _ZONE.search(text)
    tz = _zone(m.group(1)) if m else None
    base = text[:m.start()] if m else text
    t = time.fromisoformat(base)
    return t.replace(tzinfo=tz) if tz else t


def parse_date_time(text: str) -> datetime:
    m = _ZONE.search(text)
    tz = _zone(m.group(1)) if m else None
    base = text[:m.start()] if m else text
    d = datetime.fromisoformat(base)
    return d.replace(tzinfo=tz) if tz else d


@dataclass(frozen=True)
class Duration:
    """An expected xsd:duration: (months, seconds), compared with whatever the engine returns."""
    months: int
    seconds: Decimal
    year_month: bool = False           # written with years / months only (P1Y2M)

    _RE = re.compile(r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$")

    @classmethod
    def parse(cls, text: str) -> "Duration":
        m = cls._RE.match(text.strip())
        if not m or text.strip() in ("P", "-P", "PT", "-PT"):
            raise ValueError(f"not a duration: {text!r}")
        sign = -1 if m.group(1) else 1
        y, mo, d, h, mi = (int(g or 0) for g in m.groups()[1:6])
        s = Decimal(m.group(7) or 0)
        ym = not any(m.group(i) for i in (4, 5, 6, 7))
        return cls(sign * (y * 12 + mo), sign * (Decimal(((d * 24 + h) * 60 + mi) * 60) + s), ym)

    def __str__(self):
        return f"Duration(months={self.months}, seconds={self.seconds})"

    def __eq__(self, other):
        return isinstance(other, Duration) and (self.months, self.seconds) == (other.months, other.seconds)

    def __hash__(self):
        return hash((self.months, self.seconds))


# ---- comparison --------------------------------------------------------------------------------

def _as_duration(value):
    if isinstance(value, Duration):
        return value
    if isinstance(value, timedelta):
        return Duration(0, Decimal(value.days * 86400 + value.seconds) + Decimal(value.microseconds) / 1000000)
    months = getattr(value, "months", None)
    if isinstance(months, int) and not isinstance(value, (date, time)):
        return Duration(months, Decimal(0))
    if isinstance(value, str):
        try:
            return Duration.parse(value)
        except ValueError:
            return None
    try:
        return Duration.parse(str(value))
    except (ValueError, TypeError):
        return None


def _is_number(v) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def same(expected, actual) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual == expected
    if isinstance(expected, Decimal):
        if not _is_number(actual):
            return False
        try:
            a = Decimal(str(actual)) if isinstance(actual, float) else Decimal(actual)
        except (InvalidOperation, ValueError):
            return False
        if a == expected:
            return True
        scale = max(abs(expected), Decimal(1))
        if abs(a - expected) <= scale * Decimal("1e-12"):
            return True
        # an expected value written to 8 or more places is the result rounded there (e.g. exp(4) = 54.59815003)
        places = -expected.as_tuple().exponent
        return places >= 8 and a.quantize(Decimal(1).scaleb(-places)) == expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if isinstance(expected, Duration):
        got = _as_duration(actual) if not isinstance(actual, (str, bool, int, Decimal, float)) else None
        return got is not None and got == expected
    if isinstance(expected, datetime):
        return isinstance(actual, datetime) and _same_moment(expected, actual)
    if isinstance(expected, date):
        return isinstance(actual, date) and not isinstance(actual, datetime) and actual == expected
    if isinstance(expected, time):
        return isinstance(actual, time) and _same_time(expected, actual)
    if isinstance(expected, list):
        if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
            return False
        return all(same(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            return False
        return all(same(expected[k], actual[k]) for k in expected)
    return expected == actual


def _same_moment(e: datetime, a: datetime) -> bool:
    if (e.tzinfo is None) != (a.tzinfo is None):
        return False
    if e != a:
        return False
    if e.tzinfo is not None:
        return e.utcoffset() == a.utcoffset()
    return True


def _same_time(e: time, a: time) -> bool:
    if (e.tzinfo is None) != (a.tzinfo is None):
        return False
    if e.replace(tzinfo=None) != a.replace(tzinfo=None):
        return False
    return e.tzinfo is None or e.utcoffset() == a.utcoffset()


def show(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "null"
    return f"{value!s}" if not isinstance(value, str) else repr(value)


# ---- running -----------------------------------------------------------------------------------

_MODELS: dict[Path, Any] = {}


def load_folder_model(folder: Path, model_name: str):
    """The folder's models through the engine's loader; the test case's model is the main one."""
    from engine.dmn import load_model

    key = folder / model_name
    if key not in _MODELS:
        files = sorted(folder.glob("*.dmn"))
        main = [f for f in files if f.name == model_name] or files[:1]
        others = [f for f in files if f not in main]
        _MODELS[key] = load_model([(f.name, f.read_bytes()) for f in main + others])
    return _MODELS[key]


def run_case(folder: Path, case: Case) -> Outcome:
    from engine.dmn.errors import DecisionError

    try:
        model = load_folder_model(folder, case.model_name)
    except DecisionError as exc:
        return Outcome(case, False, f"the model was refused: {exc}")
    except Exception as exc:  # noqa: BLE001
        return Outcome(case, False, f"the loader crashed: {type(exc).__name__}: {exc}", crashed=True)
    failures = []
    crashed: list[str] = []
    actual = {}
    service_result = None
    service_error = None
    if case.invocable:
        try:
            service_result = model.evaluate_service(case.invocable, dict(case.inputs))
        except Exception as exc:  # noqa: BLE001 - DecisionError or a crash, reported per node below
            service_error = exc
    for node in case.results:
        error = None
        try:
            if case.invocable:
                if service_error is not None:
                    raise service_error
                got = service_result.get(node.name) if isinstance(service_result, dict) else service_result
            else:
                got = model.evaluate(node.name, dict(case.inputs))
        except DecisionError as exc:
            got, error = None, exc
        except Exception as exc:  # noqa: BLE001 - an engine crash is a failed case, named as such
            got, error = None, exc
            crashed.append(f"{type(exc).__name__}: {exc}")
        actual[node.name] = got
        if node.error_result:
            if got is None or error is not None:
                continue
        elif error is None and same(node.expected, got):
            continue
        if crashed and error is not None and not isinstance(error, DecisionError):
            why = f"crash: {type(error).__name__}: {error}"
        else:
            why = f"error: {error}" if error is not None else f"got {show(got)}"
        failures.append(f"{node.name}: expected {show(node.expected)}, {why}")
    return Outcome(case, not failures, "; ".join(failures), actual, crashed=bool(crashed))


def run_level(level: int) -> list[Outcome]:
    outcomes = []
    for folder in folders(level):
        for case in read_cases(folder):
            outcomes.append(run_case(folder, case))
    return outcomes
