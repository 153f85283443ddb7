"""FEEL speed: microseconds per evaluation of typical decision-table cells and expressions.

    .venv/bin/python bench/feel_speed.py [--n 20000]

Each row is a parsed (cached) unary test or expression evaluated n times; the reference is the same
decision written as a plain Python predicate, measured in the same run, so the ratio stays meaningful
on a loaded machine. Not a test: it prints a table.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.feel import evaluate, parse_expression, parse_unary_tests  # noqa: E402

D = Decimal
CTX = {"age": D(57), "sex": "female", "category": "cadre", "birth": date(1968, 3, 1),
       "Monthly Salary": D(8200), "months": D(180)}

UNARY = [
    ("[55..60)", D(57), lambda v: D(55) <= v < D(60)),
    ('"female"', "female", lambda v: v == "female"),
    ('"worker","cadre","flexible"', "cadre", lambda v: v in ("worker", "cadre", "flexible")),
    ('>= date("2025-01-01")', date(2025, 3, 1), lambda v: v >= date(2025, 1, 1)),
    ("not(< 180)", D(200), lambda v: not v < 180),
    ("-", "x", lambda v: True),
]
EXPRESSIONS = [
    ("Monthly Salary * 12", lambda c: c["Monthly Salary"] * 12),
    ('if age >= 60 and sex = "male" then "due" else "not yet"',
     lambda c: "due" if c["age"] >= 60 and c["sex"] == "male" else "not yet"),
    ("date(birth.year + 60, birth.month, 1)", lambda c: date(c["birth"].year + 60, c["birth"].month, 1)),
    ("sum(for m in [1, 2, 3] return m * months)", lambda c: sum(m * c["months"] for m in (1, 2, 3))),
]


def per_call(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    n = ap.parse_args().n
    print(f"{'FEEL text':58s} {'FEEL µs':>8s} {'Python µs':>9s} {'ratio':>6s}")
    for text, value, ref in UNARY:
        tests = parse_unary_tests(text)
        assert tests.matches(value, CTX) is True and ref(value)
        f = per_call(lambda: tests.matches(value, CTX), n)
        r = per_call(lambda: ref(value), n)
        print(f"unary  {text:51s} {f:8.2f} {r:9.3f} {f / r:6.1f}")
    for text, ref in EXPRESSIONS:
        expr = parse_expression(text, names=CTX)
        expr.evaluate(CTX)
        f = per_call(lambda: expr.evaluate(CTX), n)
        r = per_call(lambda: ref(CTX), n)
        print(f"expr   {text:51s} {f:8.2f} {r:9.3f} {f / r:6.1f}")
    f = per_call(lambda: evaluate("Monthly Salary * 12", CTX), n)
    print(f"cached evaluate('Monthly Salary * 12', ctx) {'':14s} {f:8.2f}")
    start = time.perf_counter()
    for i in range(200):
        parse_unary_tests(f"[{i}..{i + 5})")
    print(f"parse one unary test {'':37s} {(time.perf_counter() - start) / 200 * 1e6:8.1f}")


if __name__ == "__main__":
    main()
