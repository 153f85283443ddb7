"""Diagram text written by policy staff never reaches Python: every known sandbox escape is refused when it is
deployed, and every bomb that depends on case data stops at run time with a clear reason, before it runs."""
from __future__ import annotations

import builtins

import pytest

from engine.bpmn.interpreter import (BudgetExceeded, ExpressionError, ExpressionSyntaxError, UnsafeExpression,
                                     check_expression, check_script, evaluate_expression, run_script)

ESCAPES = [
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "x.__dict__",
    "decide.__globals__",
    "today.__code__",
    '"{0.__class__}".format(x)',
    '"{0.__init__.__globals__}".format(x)',
    '"{x.__class__}".format_map(d)',
    'getattr(x, "__class__")',
    'setattr(x, "a", 1)',
    "type(x)",
    "vars()",
    "globals()",
    "locals()",
    "dir(x)",
    'open("/etc/passwd")',
    'eval("1")',
    'exec("x = 1")',
    'compile("1", "f", "eval")',
    '__import__("os")',
    '__builtins__["eval"]("1")',
    "breakpoint()",
    "isinstance(x, int)",
    "(y for y in x)",
    "(y for y in x).gi_frame.f_back.f_globals",
    "[y for y in x]",
    "{k: v for k, v in d.items()}",
    "lambda: 1",
    "(lambda f: f(f))(lambda f: f(f))",
    "import os",
    "from os import system",
    'f"{x.__class__}"',
    "x.y",
    "x.keys",
    'x["a"].b',
    "x[0](1)",
    "(y := 1)",
    '"%s" % x',
    '"%0999999999d" % 1',
    "x.upper.__self__",
    "x @ y",
    "print(x)",
    "range(10**9)",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_every_known_escape_is_refused_at_deploy(text):
    with pytest.raises(ExpressionError):
        check_expression(text)


BOMBS = [
    "10**10**10",
    "2**100000",
    "9**9**9**9",
    '"a"*10**9',
    '"ab" * 100000 * 100000',
    "[1]*10**9",
    "(" * 200 + "1" + ")" * 200,
    "[" * 200 + "]" * 200,
    "not " * 200 + "x",
    "-" * 200 + "1",
    "1" + "+1" * 1000,
    "x if y else " * 200 + "z",
    "9" * 5000,
    "1+" * 20000 + "1",
    '"x".replace("", "' + "y" * 1000 + '") * 1000',
]


@pytest.mark.parametrize("text", BOMBS, ids=lambda t: t[:30])
def test_a_constant_bomb_is_refused_at_deploy_with_a_reason(text):
    with pytest.raises(ExpressionError) as info:
        check_expression(text)
    assert str(info.value)


@pytest.mark.parametrize("script", [
    "import os",
    "x = 1\nimport os",
    "def f(): pass",
    "for i in [1, 2]: x = i",
    "while True: x = 1",
    "x.y = 1",
    'x["k"] = 1',
    "x += 1",
    "a, b = 1, 2",
    "len = 3",
    "x = 1 if",
    "class A: pass",
    "x = ().__class__",
    'x = "{0.__class__}".format(y)',
    "x = 10\ny = x ** x ** x",
    's = "a" * 100000\nt = s * 100000',
    "x = [1]\n" + "x = [x, x]\n" * 40,
    "print(1)",
])
def test_a_script_that_is_not_plain_assignments_or_builds_a_bomb_is_refused_at_deploy(script):
    with pytest.raises(ExpressionError):
        check_script(script)


def _counting_helper(calls):
    def add_workdays(value, n):
        calls.append(n)
        return "2027-01-01"
    return {"add_workdays": add_workdays, "today": lambda: "2026-12-01"}


@pytest.mark.parametrize("text, variables", [
    ("x ** y ** z", {"x": 10, "y": 10, "z": 10}),
    ("x ** n", {"x": 2, "n": 100_000}),
    ("s * n", {"s": "a", "n": 10 ** 9}),
    ("s + s", {"s": "a" * 60_000}),
    ('",".join(parts)', {"parts": ["a" * 1000] * 200}),
    ("s.replace(a, b)", {"s": "x" * 50_000, "a": "x", "b": "yyyy"}),
    ("int(s)", {"s": "9" * 5000}),
    ("round(x, n)", {"x": 10, "n": -10 ** 9}),
    ("a == b", {"a": [[0] * 1000 for _ in range(200)], "b": [[0] * 1000 for _ in range(200)]}),
    ("sorted(a)", {"a": list(range(10_000)) * 1}),
    ("x * y", {"x": 2 ** 1000, "y": 2 ** 1000}),
])
def test_a_bomb_fed_by_case_data_stops_at_run_time(text, variables):
    with pytest.raises(BudgetExceeded):
        evaluate_expression(text, variables, {})


def test_a_helper_loop_fed_by_case_data_is_refused_before_the_helper_runs():
    calls = []
    with pytest.raises(BudgetExceeded, match="add_workdays"):
        evaluate_expression("add_workdays(today(), n)", {"n": 10 ** 9}, _counting_helper(calls))
    assert calls == []
    assert evaluate_expression("add_workdays(today(), n)", {"n": 5}, _counting_helper(calls)) == "2027-01-01"
    assert calls == [5]


def test_a_script_doubling_a_value_line_by_line_stops_before_it_is_kept():
    variables = {"x": ["seed"]}
    with pytest.raises(BudgetExceeded):
        run_script("\n".join(["x = [x, x]"] * 40), variables, {})


@pytest.mark.parametrize("text, variables", [
    ("g[0]", {"g": (i for i in range(3))}),
    ("len(g)", {"g": (i for i in range(3))}),
    ("f(1)", {"f": print}),
    ("x.get(1)", {"x": "not a dict"}),
    ("x.format(1)", {"x": "{0}"}),
    ("s % 1", {"s": "%999999999d"}),
])
def test_a_python_object_or_method_in_the_data_is_never_reachable(text, variables):
    with pytest.raises((ExpressionError, TypeError, NameError)):
        evaluate_expression(text, variables, {})


def test_names_starting_with_an_underscore_are_refused_even_when_the_case_has_them():
    with pytest.raises(UnsafeExpression):
        evaluate_expression("_secret", {"_secret": "key"}, {})


def test_a_syntax_error_names_the_place():
    with pytest.raises(ExpressionSyntaxError, match="at character"):
        check_expression("at(window_opens, 0")


@pytest.fixture
def python_eval_calls(monkeypatch):
    """Record every call of eval, exec, compile and ast.parse, so a test shows the interpreter uses none."""
    import ast

    calls = []

    def recording(name, real):
        def run(*args, **kwargs):
            calls.append((name, args[:1]))
            return real(*args, **kwargs)
        return run

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, recording(name, getattr(builtins, name)))
    monkeypatch.setattr(ast, "parse", recording("ast.parse", ast.parse))
    return calls


@pytest.mark.parametrize("text, variables, expected", [
    ('channel in ("agency", "online")', {"channel": "online"}, True),
    ('channel not in ("agency", "online")', {"channel": "online"}, False),
    ('not housing_fund.get("account_no")', {"housing_fund": {}}, True),
    ('person.get("retirement_month", "")', {"person": {}}, ""),
    ('int((m or s["retirement_month"])[:4])', {"m": None, "s": {"retirement_month": "2031-04"}}, 2031),
    ('None if t == "none" else t', {"t": "none"}, None),
    ('{"complete": True, "partial": False}.get(c)', {"c": "partial"}, False),
    ('{"a": "x", "b": "y"}[k]', {"k": "b"}, "y"),
    ("1 < x <= 3", {"x": 3}, True),
    ("x is None", {"x": None}, True),
    ("x is not None and x > 2", {"x": 3}, True),
    ('m + "-01"', {"m": "2030-05"}, "2030-05-01"),
    ("max(a, b)", {"a": "2030-01-01", "b": "2030-02-01"}, "2030-02-01"),
    ("len(bad_phones) > 0", {"bad_phones": [{"phone": "1"}]}, True),
    ("7 // 2 + 7 % 2 - 2 ** 3 / 4", {}, 2.0),
    ('x["k"][1:3]', {"x": {"k": [1, 2, 3, 4]}}, [2, 3]),
    ('"PT" + str(n) + "M"', {"n": 5}, "PT5M"),
    ("sorted([3, 1, 2], reverse=True)", {}, [3, 2, 1]),
    ('s.strip().upper().startswith("AB")', {"s": " abc "}, True),
    ("[a, (b, c)] == [1, (2, 3)]", {"a": 1, "b": 2, "c": 3}, True),
    ("'PT5M'", {}, "PT5M"),
    ('"\\u4e2d" + "文"', {}, "中文"),
])
def test_the_language_policy_staff_write_evaluates_as_python_would(python_eval_calls, text, variables, expected):
    check_expression(text)
    value = evaluate_expression(text, variables, {})
    assert python_eval_calls == []
    assert value == expected


def test_a_script_assigns_line_by_line_and_later_lines_see_earlier_ones(python_eval_calls):
    data = {"statutory": {"retirement_month": "2030-05"}}
    script = 'retirement_date = statutory["retirement_month"] + "-01"; year = int(retirement_date[:4])\nnote = None'
    check_script(script)
    run_script(script, data, {})
    assert python_eval_calls == []
    assert data == {"statutory": {"retirement_month": "2030-05"}, "retirement_date": "2030-05-01", "year": 2030,
                    "note": None}


def test_every_helper_the_engine_passes_is_known_to_the_deploy_check():
    from engine.bpmn.expressions import HELPERS
    from engine.bpmn.interpreter import FUNCTION_NAMES

    engine_functions = {"roll", "workday", "add_workdays", "deadline", "months_before", "decide"}
    assert set(HELPERS) | engine_functions <= FUNCTION_NAMES
