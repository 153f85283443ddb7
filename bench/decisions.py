"""Benchmark: evaluation time of each national decision table (processes/000000), in one run.

    .venv/bin/python bench/decisions.py [--rounds 2000]

Every table is evaluated as a case evaluates it (Decision.evaluate with process variables) over a few
realistic inputs; printed: microseconds per evaluation, and the ratio to a reference measured in the
same run — a one-rule, one-column table, the engine's floor. Not a test: it prints a table.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.dmn import load_decisions  # noqa: E402

NATIONAL = ROOT / "processes" / "000000"

REFERENCE = """<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="r" name="r" namespace="r">
<decision id="reference" name="reference"><decisionTable id="t"><input id="i"><inputExpression id="e"
typeRef="string"><text>x</text></inputExpression></input><output id="o" name="y" typeRef="string"/>
<rule id="r1"><inputEntry id="r1i"><text>"a"</text></inputEntry><outputEntry id="r1o"><text>"b"</text>
</outputEntry></rule></decisionTable></decision></definitions>"""

MEDICAL = {"min_total_months_male": 360, "min_total_months_female": 300, "min_actual_months": 120,
           "min_local_months": 60, "deemed_counts": True, "lump_sum_allowed": True}
STATUTORY = {"delay_months": 17, "retirement_age_months": 737, "retirement_month": "2031-11"}
WINDOW = {"early_allowed": True, "earliest_month": "2030-06", "latest_month": "2034-11"}

INPUTS = {
    "birth_date_source": [{"id_card_birth_date": date(1965, 3, 1), "file_earliest_birth_date": date(1964, 11, 20)},
                          {"id_card_birth_date": "1965-03-01", "file_earliest_birth_date": None}],
    "deadline_roll": [{"deadline_kind": "monthly_submission"}],
    "early_retirement_route": [
        {"route": "special_work", "sex": "male", "work_type": "underground", "age_months": 660,
         "special_work_years": 9, "disability_confirmed": None, "contribution_months": 200, "minimum_months": 180,
         "as_of": date(2025, 6, 1)},
        {"route": "resignation", "sex": "female", "work_type": None, "age_months": 500, "special_work_years": None,
         "disability_confirmed": None, "contribution_months": 200, "minimum_months": 180, "as_of": date(2025, 6, 1)}],
    "flexible_retirement_request": [
        {"retirement_type": "normal", "retirement_choice": "statutory", "requested_retirement_month": None,
         "statutory": STATUTORY, "flex_window": WINDOW, "notice_date": None, "employer_decision": None,
         "agreement_date": None},
        {"retirement_type": "normal", "retirement_choice": "early", "requested_retirement_month": "2031-01",
         "statutory": STATUTORY, "flex_window": WINDOW, "notice_date": "2030-09-01", "employer_decision": None,
         "agreement_date": None}],
    "flexible_retirement_window": [
        {"category": "male", "birth_month": "1970-06", "retirement_age_months": 737, "contribution_months": None,
         "minimum_months": None}],
    "minimum_contribution_months": [{"retirement_year": y} for y in (2025, 2030, 2040)],
    "pension_divisor": [{"age_years": a, "age_months": m} for a in (50, 55, 60, 63) for m in (0, 1, 7)],
    "retiree_medical_eligibility": [{**MEDICAL, "sex": "male", "actual_months": 300, "deemed_months": 60,
                                     "local_months": 100},
                                    {**MEDICAL, "sex": "female", "actual_months": 200, "deemed_months": 0,
                                     "local_months": 30}],
    "statutory_retirement_age": [{"category": c, "birth_month": f"{y}-{m:02d}"}
                                 for c in ("male", "female_cadre", "female_worker")
                                 for y in (1962, 1966, 1970, 1976) for m in (1, 7)],
}


def per_call(decision, inputs, rounds: int) -> float:
    for ctx in inputs:            # warm up, and fail early on an input the table refuses
        decision.evaluate(ctx)
    start = time.perf_counter()
    for _ in range(rounds):
        for ctx in inputs:
            decision.evaluate(ctx)
    return (time.perf_counter() - start) / (rounds * len(inputs)) * 1e6


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2000)
    args = ap.parse_args(argv)
    reference = load_decisions(REFERENCE)[0]
    ref = per_call(reference, [{"x": "a"}], args.rounds * 4)
    print(f"{'table':32s} {'rules':>5s} {'inputs':>6s} {'µs/eval':>9s} {'× reference':>12s}")
    print(f"{'(reference: 1 rule, 1 column)':32s} {1:5d} {1:6d} {ref:9.1f} {1:12.1f}")
    for path in sorted(NATIONAL.glob("*.dmn")):
        decision = load_decisions(path.read_bytes(), path.name)[0]
        inputs = INPUTS.get(decision.id)
        if not inputs:
            print(f"{decision.id:32s} (no benchmark inputs)")
            continue
        us = per_call(decision, inputs, max(1, args.rounds // len(inputs)))
        print(f"{decision.id:32s} {len(decision.rules):5d} {len(decision.inputs):6d} {us:9.1f} {us / ref:12.1f}")


if __name__ == "__main__":
    main()
