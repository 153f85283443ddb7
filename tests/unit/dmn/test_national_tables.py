import re

import pytest
from lxml import etree

from dmn_builders import NATIONAL, national

TABLES = ["statutory_retirement_age", "minimum_contribution_months", "flexible_retirement_window",
          "flexible_retirement_request", "early_retirement_route", "birth_date_source", "pension_divisor", "retiree_medical_eligibility",
          "deadline_roll"]
DMNDI = "https://www.omg.org/spec/DMN/20191111/DMNDI/"


def test_the_national_folder_holds_the_nine_tables_one_per_file():
    assert set(TABLES) <= {p.stem for p in NATIONAL.glob("*.dmn")}


@pytest.mark.parametrize("decision_id", TABLES)
def test_each_table_deploys_without_problems(decision_id):
    decision = national(decision_id)
    assert decision.id == decision_id
    assert [str(p) for p in decision.problems()] == []


@pytest.mark.parametrize("decision_id", TABLES)
def test_each_table_opens_in_dmn_js(decision_id):
    root = etree.parse(str(NATIONAL / f"{decision_id}.dmn")).getroot()
    assert root.tag == "{https://www.omg.org/spec/DMN/20191111/MODEL/}definitions"
    shapes = root.findall(f".//{{{DMNDI}}}DMNShape")
    assert [s.get("dmnElementRef") for s in shapes] == [decision_id]


@pytest.mark.parametrize("decision_id", TABLES)
def test_each_table_has_chinese_labels_and_english_names(decision_id):
    decision = national(decision_id)
    chinese = re.compile(r"[\u4e00-\u9fff]")
    assert chinese.search(decision.label)
    assert all(chinese.search(i.label) for i in decision.inputs)
    assert all(chinese.search(o.label) and re.fullmatch(r"[a-z_]+", o.name) for o in decision.outputs)
    assert decision.description


@pytest.mark.parametrize("decision_id", ["flexible_retirement_window", "early_retirement_route", "pension_divisor",
                                         "retiree_medical_eligibility", "deadline_roll"])
def test_tables_with_unverified_rules_say_which_in_their_description(decision_id):
    assert "[U]" in national(decision_id).description
