"""Every cell form dmn-js's simple editors write (date-time, time, duration; comparisons and ranges) and
FEEL function cells deploy without a problem and decide as the standard says."""
from __future__ import annotations

from datetime import datetime, time

import pytest

from dmn_builders import table
from engine.dmn import load_decisions

CELLS = [
    # type, the entry dmn-js writes, an input that matches, one that does not
    ("dateTime", 'date and time("2025-01-01T08:00:00")', "2025-01-01T08:00:00", "2025-01-01T09:00:00"),
    ("dateTime", '< date and time("2025-01-01T00:00:00")', "2024-12-31T23:59:59", "2025-01-01T00:00:00"),
    ("dateTime", '> date and time("2025-01-01T00:00:00")', "2025-01-01T00:00:01", "2024-06-01T00:00:00"),
    ("dateTime", '[date and time("2025-01-01T00:00:00")..date and time("2025-12-31T23:59:59")]',
     "2025-07-01T12:00:00", "2026-01-01T00:00:00"),
    ("date", 'date("2025-01-01")', "2025-01-01", "2025-01-02"),
    ("date", '[date("2025-01-01")..date("2025-06-30")]', "2025-03-15", "2025-07-01"),
    ("time", 'time("09:00:00")', "09:00:00", "09:00:01"),
    ("time", '[time("09:00:00")..time("17:00:00"))', "12:30:00", "17:00:00"),
    ("dayTimeDuration", 'duration("P1D")', "P1D", "PT23H"),
    ("dayTimeDuration", '< duration("P1D")', "PT12H", "P2D"),
    ("dayTimeDuration", '>= duration("PT2H")', "PT3H", "PT1H"),
    ("dayTimeDuration", '[duration("P1D")..duration("P7D")]', "P3D", "P8D"),
    ("yearMonthDuration", 'duration("P1Y")', "P12M", "P13M"),
    ("yearMonthDuration", '> duration("P1Y6M")', "P2Y", "P1Y"),
    ("yearMonthDuration", '[duration("P1Y")..duration("P5Y")]', "P3Y2M", "P6Y"),
]


@pytest.mark.parametrize("type_ref, entry, hit, miss", CELLS)
def test_a_dmn_js_cell_deploys_and_matches_the_values_it_describes(type_ref, entry, hit, miss):
    decision = table([([entry], ['"yes"'])], inputs=(("x", type_ref),))
    assert decision.problems() == []
    assert decision.evaluate({"x": hit}).outputs == {"result": "yes"}
    assert decision.evaluate({"x": miss}).outputs is None


def test_date_time_and_duration_outputs_are_process_values():
    decision = table([(["-"], ['date and time("2025-01-01T08:00:00")', 'duration("P1Y2M")', 'duration("PT90M")',
                               'time("09:30:00")'])],
                     outputs=(("at", "dateTime"), ("span", "yearMonthDuration"), ("wait", "dayTimeDuration"),
                              ("opens", "time")))
    assert decision.problems() == []
    out = decision.evaluate({"x": 1}).outputs
    assert out == {"at": datetime(2025, 1, 1, 8, 0), "span": "P1Y2M", "wait": "PT1H30M", "opens": time(9, 30)}


@pytest.mark.parametrize("cell, expected", [
    ('years and months duration(date("1965-01-15"), date(x))', "P60Y1M"),
    ("string length(name) + 1", 4),
    ('if x > date("2025-01-01") then "later" else "earlier"', "later"),
    ("(function(a, b) a * b)(2, 21)", 42),
    ("sum([1, 2, 3]) + count(list)", 8),
    ("list[item > 1]", [2]),
])
def test_function_and_list_cells_deploy_and_evaluate(cell, expected):
    decision = table([(["-"], [cell])], inputs=(("x", "date"),), outputs=(("result", ""),))
    assert decision.problems() == []
    outputs = decision.evaluate({"x": "2025-02-20", "name": "abc", "list": [1, 2]}).outputs
    assert outputs == {"result": expected}


def test_an_input_named_with_spaces_is_read():
    decision = table([(["> 3"], ['"many"'])], inputs=(("number of children", "number"),))
    assert decision.problems() == []
    assert decision.evaluate({"number of children": 4}).outputs == {"result": "many"}


def test_a_cell_calling_a_function_that_does_not_exist_is_refused_at_deploy():
    decision = table([(["-"], ["no_such_function(x)"])])
    assert any("unknown function" in p.message for p in decision.problems())


def test_a_table_input_with_a_list_literal_cell():
    (decision,) = load_decisions(
        '<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" namespace="t"><decision id="d" name="d">'
        '<decisionTable id="t"><input id="i"><inputExpression typeRef="string"><text>kind</text></inputExpression>'
        '</input><output id="o" name="codes"/><rule id="r"><inputEntry id="e"><text>"a","b"</text></inputEntry>'
        '<outputEntry id="oe"><text>[1, 2, 3]</text></outputEntry></rule></decisionTable></decision></definitions>')
    assert decision.problems() == []
    assert decision.evaluate({"kind": "b"}).outputs == {"codes": [1, 2, 3]}
