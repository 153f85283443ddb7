"""A definition file is read once, by one hardened parser, into one parsed form that identify, the deploy checks,
the process specs, the DMN decisions, the diff and the timer starts all use."""
from __future__ import annotations

import pytest

from engine import parsed as parsed_mod
from engine.definitions import DefinitionFile, identify
from engine.diff import diff_definitions
from engine.errors import InvalidDefinition
from engine.parsed import MAX_BYTES, decisions, parsed
from engine.specs import called_elements, parse_process
from engine.timer_starts import start_timers
from tests.conftest import ROOT

HEADER = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
          'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">')


def _process(key: str = "probe_once", *, doc: str = "plain", doctype: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>{doctype}
{HEADER}
  <bpmn:process id="{key}" name="Probe" isExecutable="true">
    <bpmn:documentation>{doc}</bpmn:documentation>
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>f1</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeCycle>R/2027-01-01T09:00:00+08:00/P3M</bpmn:timeCycle>
      </bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:callActivity id="Call_other" calledElement="other_process"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:endEvent id="End_1"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Call_other" />
    <bpmn:sequenceFlow id="f2" sourceRef="Call_other" targetRef="End_1" />
  </bpmn:process>
</bpmn:definitions>"""


OTHER = f"""<?xml version="1.0" encoding="UTF-8"?>
{HEADER}
  <bpmn:process id="other_process" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>g1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="E"><bpmn:incoming>g1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="g1" sourceRef="S" targetRef="E" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture(autouse=True)
def nothing_read_yet():
    parsed_mod.forget()
    yield
    parsed_mod.forget()


def test_every_reader_of_one_file_shares_a_single_reading_of_it():
    content = _process()
    before = parsed_mod.reads()
    assert identify(DefinitionFile("probe_once.bpmn", content)) == ("probe_once", "Probe", [])
    assert identify(DefinitionFile("renamed.bpmn", content))[0] == "probe_once"
    assert called_elements(content) == ["other_process"]
    assert start_timers(content) == [("timeCycle", "R/2027-01-01T09:00:00+08:00/P3M")]
    spec = parse_process("probe_once", [("probe_once.bpmn", content), ("other.bpmn", OTHER)])
    assert parse_process("probe_once", [("probe_once.bpmn", content), ("other.bpmn", OTHER)]) is spec
    assert diff_definitions("bpmn", content, content) == {"added": [], "removed": [], "changed": []}
    assert parsed_mod.reads() - before == 2, "the probe and the called process, each read once"


def test_a_changed_file_is_read_again_and_its_diff_names_the_change():
    old, new = _process(doc="plain"), _process(doc="changed")
    assert parsed("bpmn", old) is not parsed("bpmn", new)
    diff = diff_definitions("bpmn", old, new)
    assert diff["changed"] == [{"id": "probe_once", "type": "process", "name": "Probe",
                                "changes": ["documentation: plain → changed"]}]


def test_an_external_entity_in_a_diagram_is_never_fetched_or_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE", encoding="utf-8")
    doctype = f'\n<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    p = parsed("bpmn", _process(doc="&xxe;", doctype=doctype))
    assert p.error is None
    assert "TOP-SECRET-LINE" not in str(p.elements)
    assert all("TOP-SECRET-LINE" not in (el.text or "") for el in p.root.iter())


def test_an_internal_entity_is_never_expanded_and_an_entity_bomb_is_refused():
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'\n<!DOCTYPE bpmn:definitions [<!ENTITY l0 "lol">{lol}]>'
    small = parsed("bpmn", _process(doc="&l4;", doctype=doctype))   # 10,000 × "lol" when expanded
    assert small.error is None
    assert "lol" not in str(small.elements)
    with pytest.raises(InvalidDefinition) as refused:
        identify(DefinitionFile("bomb.bpmn", _process(doc="&l9;", doctype=doctype)))
    assert refused.value.problems[0]["message"].startswith("not well-formed XML")


def test_a_file_larger_than_the_limit_is_refused_with_the_limit_named():
    content = _process(doc="x" * (MAX_BYTES + 1))
    with pytest.raises(InvalidDefinition) as refused:
        identify(DefinitionFile("huge.bpmn", content))
    (problem,) = refused.value.problems
    assert problem["file"] == "huge.bpmn" and f"at most {MAX_BYTES}" in problem["message"]


def test_a_broken_file_is_refused_by_every_reader_with_the_same_reason():
    broken = "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'><bpmn:process"
    with pytest.raises(InvalidDefinition) as by_identify:
        identify(DefinitionFile("broken.bpmn", broken))
    with pytest.raises(InvalidDefinition) as by_specs:
        parse_process("x", [("broken.bpmn", broken)])
    assert by_identify.value.problems == by_specs.value.problems
    assert by_identify.value.problems[0]["message"].startswith("not well-formed XML")


def test_a_decision_table_is_compiled_once_for_its_checks_and_its_cases():
    path = ROOT / "processes" / "000000" / "pension_divisor.dmn"
    content = path.read_text(encoding="utf-8")
    first = decisions(parsed("dmn", content), path.name)
    again = decisions(parsed("dmn", content), path.name)
    assert first is again and "pension_divisor" in first
    assert identify(DefinitionFile(path.name, content))[0] == "pension_divisor"
