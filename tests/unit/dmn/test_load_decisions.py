import pytest

from engine.dmn import DecisionSyntaxError, load_decisions

from dmn_builders import table_xml

RULES = [(['"male"'], ['"m"'], "男"), (['"female"'], ['"f"'])]


@pytest.mark.parametrize("namespace", [
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
])
def test_dmn_13_12_and_11_files_load(namespace):
    decision = load_decisions(table_xml(RULES, inputs=(("sex", "string"),), namespace=namespace))[0]
    assert decision.evaluate({"sex": "female"}).outputs == {"result": "f"}


def test_the_decision_exposes_its_columns_and_rules():
    decision = load_decisions(table_xml(RULES, inputs=(("sex", "string"),)).encode())[0]
    assert (decision.id, decision.name, decision.label, decision.hit_policy, decision.aggregation) == (
        "example", "example", "示例", "UNIQUE", None)
    assert [(i.label, i.expression, i.type_ref) for i in decision.inputs] == [("sex", "sex", "string")]
    assert [(o.name, o.label, o.type_ref) for o in decision.outputs] == [("result", "result", "string")]
    first = decision.rules[0]
    assert (first.number, first.id, first.annotation) == (1, "r1", "男")
    assert [e.text for e in first.input_entries] == ['"male"']
    assert [e.text for e in first.output_entries] == ['"m"']


def test_several_decisions_per_file_and_rule_annotation_columns():
    ns = "https://www.omg.org/spec/DMN/20191111/MODEL/"
    xml = f"""<definitions xmlns="{ns}" id="d" name="d" namespace="t">
      <decision id="first" name="First"><decisionTable id="t1">
        <input id="i1"><inputExpression id="e1" typeRef="number"><text>n</text></inputExpression></input>
        <output id="o1" name="size" typeRef="string"/>
        <annotation name="依据"/>
        <rule id="a1"><inputEntry id="a1i"><text>&lt; 10</text></inputEntry>
          <outputEntry id="a1o"><text>"small"</text></outputEntry>
          <annotationEntry><text>第一条</text></annotationEntry></rule>
      </decisionTable></decision>
      <decision id="second" name="Second"><decisionTable id="t2" hitPolicy="FIRST">
        <input id="i2"><inputExpression id="e2" typeRef="number"><text>n</text></inputExpression></input>
        <output id="o2" name="size" typeRef="string"/>
        <rule id="b1"><inputEntry id="b1i"><text>-</text></inputEntry>
          <outputEntry id="b1o"><text>"any"</text></outputEntry></rule>
      </decisionTable></decision>
    </definitions>"""
    first, second = load_decisions(xml)
    assert first.rules[0].annotation == "第一条"
    assert first.evaluate({"n": 3}).outputs == {"size": "small"}
    assert second.hit_policy == "FIRST" and second.evaluate({"n": 99}).outputs == {"size": "any"}


@pytest.mark.parametrize("source,message", [
    ("<not-xml", "not well-formed"),
    ('<definitions xmlns="urn:other"/>', "not a DMN file"),
    ('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"/>', "defines no decision"),
])
def test_unreadable_files_fail_with_the_file_name(source, message):
    with pytest.raises(DecisionSyntaxError, match=message) as raised:
        load_decisions(source, file_name="processes/000000/broken.dmn")
    assert "processes/000000/broken.dmn" in str(raised.value)


@pytest.mark.parametrize("namespace", [
    "https://www.omg.org/spec/DMN/20230324/MODEL/", "https://www.omg.org/spec/DMN/20211108/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/", "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd"])
def test_a_literal_expression_decision_loads_and_evaluates_in_every_dmn_version(namespace):
    (decision,) = load_decisions(f'<definitions xmlns="{namespace}" namespace="t"><decision id="d" name="d">'
                                 "<literalExpression><text>1 + 2</text></literalExpression></decision></definitions>")
    assert decision.problems() == [] and decision.evaluate({}).outputs == {"d": 3}


def test_a_rule_with_a_missing_cell_is_refused():
    xml = table_xml([(["1", "2"], ['"x"'])])
    with pytest.raises(DecisionSyntaxError, match="rule 1"):
        load_decisions(xml)


def test_xml_entities_are_not_expanded():
    xml = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           + table_xml([(["-"], ["&x;"])]).replace("&amp;x;", "&x;"))
    try:
        decisions = load_decisions(xml)
    except DecisionSyntaxError:
        return
    assert "root:" not in decisions[0].rules[0].output_entries[0].text
