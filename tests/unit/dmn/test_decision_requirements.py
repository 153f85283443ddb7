"""Whole DRDs: a decision that requires another's result evaluates it first, in a business rule task too.

The fixtures are Camunda's two example DRDs redrawn in our words (tests/fixtures/dmn_drd): a claim's class
feeding the table of its approvers, and the dish for a canteen event feeding the drinks (COLLECT).
"""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.bpmn.parser import RetireParser
from engine.bpmn.script_engine import CaseScriptEngine
from engine.dmn import NoMatchingRule, load_decisions

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dmn_drd"
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="decide" name="{name}" camunda:decisionRef="{ref}" camunda:resultVariable="answer"
        {mapping}><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def _decisions(name: str) -> dict:
    path = FIXTURES / name
    return {d.id: d for d in load_decisions(path.read_bytes(), path.name)}


def _run_task(decisions: dict, ref: str, data: dict, mapping: str = "") -> dict:
    parser = RetireParser()
    attr = f'camunda:mapDecisionResult="{mapping}"' if mapping else ""
    parser.add_bpmn_io(BytesIO(PROCESS.format(ref=ref, name="决策", mapping=attr).encode()), "p.bpmn")
    engine = CaseScriptEngine(decide=lambda decision_id, variables: decisions[decision_id].evaluate(variables).outputs)
    wf = BpmnWorkflow(parser.get_spec("p"), script_engine=engine)
    wf.data.update(data)
    for task in wf.get_tasks():
        task.data.update(data)
    wf.do_engine_steps()
    assert wf.is_completed()
    return wf.data


def test_both_drds_deploy_without_problems():
    for name in ("claim_routing.dmn", "canteen_menu.dmn"):
        for decision in _decisions(name).values():
            assert decision.problems() == [], (name, decision.id)


@pytest.mark.parametrize("amount, category, approvers", [
    (120, "office", ["finance"]),
    (300, "office", ["finance", "bureau_head"]),
    (5000, "office", ["bureau_head"]),
    (80, "travel", ["finance", "bureau_head"]),
])
def test_a_claims_class_feeds_the_approver_table_in_a_business_rule_task(amount, category, approvers):
    data = _run_task(_decisions("claim_routing.dmn"), "approver_group",
                     {"amount": amount, "claim_category": category}, "collectEntries")
    assert data["answer"] == approvers


def test_the_dish_feeds_the_drinks_which_collect_every_matching_rule():
    decisions = _decisions("canteen_menu.dmn")
    data = _run_task(decisions, "beverages", {"season": "春", "guest_count": 6, "guests_with_children": True})
    assert [row["beverage"] for row in data["answer"]] == ["酸梅汤", "豆奶", "白开水"]
    data = _run_task(decisions, "beverages", {"season": "秋", "guest_count": 3, "guests_with_children": False})
    assert [row["beverage"] for row in data["answer"]] == ["黄酒", "白开水"]


def test_the_required_decision_alone_gives_its_own_result():
    decisions = _decisions("canteen_menu.dmn")
    assert decisions["dish"].evaluate({"season": "冬", "guest_count": 4}).outputs == {"desired_dish": "涮羊肉"}


def test_a_business_rule_task_whose_table_matched_nothing_stops_naming_the_table_and_the_inputs():
    with pytest.raises(NoMatchingRule) as raised:
        _run_task(_decisions("claim_routing.dmn"), "claim_class", {"amount": 100, "claim_category": "equipment"})
    text = str(raised.value)
    assert text.startswith("business rule task 决策: decision claim_class (报销分类): no rule matches")
    assert "amount = 100" in text and 'claim_category = "equipment"' in text
    assert raised.value.decision_id == "claim_class"
    assert raised.value.inputs == {"amount": 100, "claim_category": "equipment"}


def test_a_collect_table_that_matched_nothing_in_a_task_also_stops():
    with pytest.raises(NoMatchingRule, match="approver_group .* no rule matches the inputs claim_class = null"):
        _run_task(_decisions("claim_routing.dmn"), "approver_group", {"amount": 100, "claim_category": "equipment"})


def _drd(body: str) -> str:
    return f'<definitions xmlns="{DMN13}" id="defs" name="defs" namespace="t">{body}</definitions>'


def _literal(ident, text, requires=(), knowledge=()):
    reqs = "".join(f'<informationRequirement><requiredDecision href="#{r}"/></informationRequirement>'
                   for r in requires)
    reqs += "".join(f'<knowledgeRequirement><requiredKnowledge href="#{k}"/></knowledgeRequirement>'
                    for k in knowledge)
    return (f'<decision id="{ident}" name="{ident}">{reqs}<variable name="{ident}"/>'
            f"<literalExpression><text>{text}</text></literalExpression></decision>")


def test_a_requirement_cycle_is_refused_at_deploy_naming_the_decisions():
    decisions = load_decisions(_drd(_literal("a", "b + 1", ["b"]) + _literal("b", "a + 1", ["a"])))
    problems = [p.message for d in decisions for p in d.problems()]
    assert any("cycle" in m and "a" in m and "b" in m for m in problems), problems


def test_a_requirement_on_a_decision_not_in_the_file_is_refused_at_deploy():
    (decision,) = load_decisions(_drd(_literal("a", "1", ["missing"])))
    assert any("#missing" in p.message for p in decision.problems())


def test_a_business_knowledge_model_is_invoked_with_named_parameters():
    bkm = ('<businessKnowledgeModel id="monthly" name="monthly"><variable name="monthly"/>'
           '<encapsulatedLogic><formalParameter name="total"/><formalParameter name="months"/>'
           "<literalExpression><text>total / months</text></literalExpression></encapsulatedLogic>"
           "</businessKnowledgeModel>")
    decision = ('<decision id="pension" name="pension"><variable name="pension"/>'
                '<knowledgeRequirement><requiredKnowledge href="#monthly"/></knowledgeRequirement>'
                "<invocation><literalExpression><text>monthly</text></literalExpression>"
                '<binding><parameter name="total"/><literalExpression><text>balance</text></literalExpression></binding>'
                '<binding><parameter name="months"/><literalExpression><text>139</text></literalExpression></binding>'
                "</invocation></decision>")
    (pension,) = load_decisions(_drd(bkm + decision))
    assert pension.problems() == []
    assert pension.evaluate({"balance": 139000}).outputs == {"pension": 1000}


def test_a_context_decision_sees_its_earlier_entries():
    body = ('<decision id="c" name="c"><variable name="c"/><context>'
            '<contextEntry><variable name="base"/><literalExpression><text>x * 2</text></literalExpression></contextEntry>'
            '<contextEntry><variable name="total"/><literalExpression><text>base + 1</text></literalExpression></contextEntry>'
            "</context></decision>")
    (decision,) = load_decisions(_drd(body))
    assert decision.evaluate({"x": 5}).outputs == {"c": {"base": 10, "total": 11}}


def test_an_invocation_binding_a_parameter_the_bkm_does_not_have_is_refused_at_deploy():
    bkm = ('<businessKnowledgeModel id="monthly" name="monthly"><variable name="monthly"/>'
           '<encapsulatedLogic><formalParameter name="total"/>'
           "<literalExpression><text>total / 139</text></literalExpression></encapsulatedLogic>"
           "</businessKnowledgeModel>")
    decision = ('<decision id="pension" name="pension"><variable name="pension"/>'
                '<knowledgeRequirement><requiredKnowledge href="#monthly"/></knowledgeRequirement>'
                '<invocation id="inv"><literalExpression><text>monthly</text></literalExpression>'
                '<binding><parameter name="totl"/><literalExpression><text>balance</text></literalExpression></binding>'
                "</invocation></decision>")
    (pension,) = load_decisions(_drd(bkm + decision))
    assert [(p.element_id, "'totl'" in p.message) for p in pension.problems()] == [("inv", True)]
