from hypothesis import given, settings
from hypothesis import strategies as st

from dmn_builders import table


def overlap_messages(rules, **kw):
    return [p.message for p in table(rules, **kw).problems() if "overlap" in p.message]


def test_overlapping_ranges_are_reported_with_both_rule_numbers():
    rules = [(["[0..10]"], ['"a"']), (["(10..20]"], ['"b"']), (["[15..30]"], ['"c"'])]
    problems = table(rules).problems()
    assert len(problems) == 1
    assert problems[0].message.startswith("rules 2 and 3 overlap")
    assert problems[0].element_id == "r3"


def test_adjacent_ranges_with_an_open_end_do_not_overlap():
    rules = [(["< 10"], ['"a"']), (["[10..20)"], ['"b"']), ([">= 20"], ['"c"'])]
    assert overlap_messages(rules) == []


def test_a_dash_overlaps_everything_in_its_column():
    rules = [(['"male"', "-"], ['"a"']), (['"female"', "< 5"], ['"b"']), (['"male"', "[3..4]"], ['"c"'])]
    assert overlap_messages(rules, inputs=(("sex", "string"), ("n", "number"))) == [
        "rules 1 and 3 overlap: some inputs match both (hit policy UNIQUE; rule ids r1, r3)"]


def test_rules_differing_in_any_column_do_not_overlap():
    rules = [(['"male"', "-"], ['"a"']), (['"female"', "-"], ['"b"'])]
    assert overlap_messages(rules, inputs=(("sex", "string"), ("n", "number"))) == []


def test_lists_strings_booleans_dates_and_not_are_understood():
    assert overlap_messages([(['"a","b"'], ['"x"']), (['"b","c"'], ['"y"'])]) == [
        "rules 1 and 2 overlap: some inputs match both (hit policy UNIQUE; rule ids r1, r2)"]
    assert overlap_messages([(["true"], ['"x"']), (["false"], ['"y"'])]) == []
    assert overlap_messages([(['not("a")'], ['"x"']), (['"a"'], ['"y"'])]) == []
    assert len(overlap_messages([(['not("a")'], ['"x"']), (['"b"'], ['"y"'])])) == 1
    assert overlap_messages([(['< date("2025-01-01")'], ['"x"']), (['>= date("2025-01-01")'], ['"y"'])]) == []
    assert overlap_messages([(['< "1965-01"'], ['"x"']), (['["1965-01".."1965-04"]'], ['"y"'])]) == []
    assert overlap_messages([(["null"], ['"x"']), (["not(null)"], ['"y"'])]) == []


def test_entries_whose_overlap_cannot_be_decided_are_not_reported():
    assert overlap_messages([(["? > 3"], ['"x"']), (["? < 7"], ['"y"'])]) == []
    assert overlap_messages([([">= minimum"], ['"x"']), (["< 7"], ['"y"'])]) == []


def test_first_and_collect_tables_may_overlap():
    rules = [(["< 10"], ['"a"']), (["< 20"], ['"b"'])]
    assert table(rules, hit_policy="FIRST").problems() == []
    assert table(rules, hit_policy="COLLECT").problems() == []


def test_any_tables_report_overlaps_only_when_outputs_differ():
    assert overlap_messages([(["< 10"], ['"a"']), (["< 20"], ['"a"'])], hit_policy="ANY") == []
    assert len(overlap_messages([(["< 10"], ['"a"']), (["< 20"], ['"b"'])], hit_policy="ANY")) == 1


def test_priority_needs_output_values():
    problems = table([(["< 10"], ['"a"'])], hit_policy="PRIORITY").problems()
    assert any("needs output values" in p.message for p in problems)
    assert table([(["< 10"], ['"a"'])], hit_policy="PRIORITY", output_values={"result": '"a","b"'}).problems() == []


def test_a_value_outside_the_allowed_values_is_flagged_as_a_typo():
    problems = table([(['"femal_cadre"'], ['"a"'])], inputs=(("category", "string"),),
                     input_values={"category": '"male","female_cadre","female_worker"'}).problems()
    assert len(problems) == 1 and problems[0].element_id == "r1i1"
    assert '"femal_cadre" is not one of the allowed values' in problems[0].message


def test_an_output_outside_its_allowed_values_is_flagged():
    problems = table([(["-"], ['"maybe"'])], output_values={"result": '"yes","no"'}).problems()
    assert problems[0].element_id == "r1o1"


def test_a_broken_output_entry_names_its_cell():
    problems = table([(["-"], ['add_months("1965-01", ']) ]).problems()
    assert problems[0].element_id == "r1o1" and "rule 1, output 'result'" in problems[0].message


ENDS = st.integers(0, 6)


@st.composite
def ranges(draw):
    lo, hi = sorted((draw(ENDS), draw(ENDS)))
    lo_closed, hi_closed = draw(st.booleans()), draw(st.booleans())
    text = f"{'[' if lo_closed else '('}{lo}..{hi}{']' if hi_closed else ')'}"
    if draw(st.booleans()):
        text = f"not({text})"
    return text


def _accepts(text, x):
    negated = text.startswith("not(")
    body = text[4:-1] if negated else text
    lo, hi = (int(v) for v in body[1:-1].split(".."))
    inside = (lo <= x if body[0] == "[" else lo < x) and (x <= hi if body[-1] == "]" else x < hi)
    return inside != negated


@settings(max_examples=300, deadline=None)
@given(a=ranges(), b=ranges())
def test_the_overlap_check_agrees_with_brute_force(a, b):
    grid = [x / 4 for x in range(-8, 33)]   # quarter steps catch open ends; the check treats numbers as dense
    expected = any(_accepts(a, x) and _accepts(b, x) for x in grid)
    reported = bool(overlap_messages([([a], ['"x"']), ([b], ['"y"'])]))
    assert reported == expected, (a, b)
