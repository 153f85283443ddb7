"""Decision tables as Camunda Modeler saves them: dmn-js's DMN 1.3 with DMNDI, and the DMN 1.1 form with
biodi bounds that older Camunda Modeler versions wrote."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.dmn import load_decisions

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "camunda_modeler" / "retiree_medical_route.dmn"


@pytest.fixture(scope="module")
def route():
    decisions = load_decisions(FIXTURE.read_bytes(), FIXTURE.name)
    assert [d.id for d in decisions] == ["retiree_medical_route"]
    return decisions[0]


def test_the_dmn_js_table_keeps_its_hit_policy_labels_and_annotations(route):
    assert (route.name, route.hit_policy) == ("退休医保衔接方式", "FIRST")
    assert [(i.label, i.expression, i.type_ref) for i in route.inputs] == [
        ("尚缺缴费月数", "medical.shortfall_months", "integer"), ("允许一次性补缴", "medical.lump_sum_allowed", "boolean")]
    assert [(o.name, o.label) for o in route.outputs] == [("route", "衔接方式")]
    assert [r.annotation for r in route.rules] == ["年限已满足，直接转为退休人员医保", "一次性补足所缺月数", "按月缴费至满足年限"]
    assert route.problems() == []


@pytest.mark.parametrize("shortfall, lump_sum, expected", [
    (0, True, "switch_now"), (0, False, "switch_now"),      # the empty entry dmn-js leaves is "-": any value
    (80, True, "top_up"), (1, False, "monthly_contribution"),
])
def test_the_dmn_js_table_decides_over_nested_case_variables(route, shortfall, lump_sum, expected):
    result = route.evaluate({"medical": {"shortfall_months": shortfall, "lump_sum_allowed": lump_sum}})
    assert result.outputs == {"route": expected}


def test_a_dmn_1_1_table_with_biodi_bounds_as_older_camunda_modelers_wrote_it_loads():
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" xmlns:biodi="http://bpmn.io/schema/dmn/biodi/1.0" id="Definitions_0x9ak2c" name="DRD" namespace="http://camunda.org/schema/1.0/dmn" exporter="Camunda Modeler" exporterVersion="3.7.3">
  <decision id="housing_fund_route" name="公积金提取方式">
    <extensionElements>
      <biodi:bounds x="150" y="80" width="180" height="80" />
    </extensionElements>
    <decisionTable id="decisionTable_1" hitPolicy="FIRST">
      <input id="input_1" label="账户余额">
        <inputExpression id="inputExpression_1" typeRef="double"><text>balance</text></inputExpression>
      </input>
      <output id="output_1" label="方式" name="route" typeRef="string" />
      <rule id="DecisionRule_1x5gk2p">
        <inputEntry id="UnaryTests_0t8b0ql"><text>&gt; 0</text></inputEntry>
        <outputEntry id="LiteralExpression_1ds0mxb"><text>"withdraw"</text></outputEntry>
      </rule>
      <rule id="DecisionRule_0a7fq5d">
        <inputEntry id="UnaryTests_1w4v3xz"><text></text></inputEntry>
        <outputEntry id="LiteralExpression_0o2j8mg"><text>"close"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>"""
    decision = load_decisions(xml, "housing_fund_route.dmn")[0]
    assert decision.evaluate({"balance": 12.5}).outputs == {"route": "withdraw"}
    assert decision.evaluate({"balance": 0}).outputs == {"route": "close"}
