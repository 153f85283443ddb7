"""Per-folder pass/fail of the DMN TCK through the engine: `python tools/tck_report.py [2|3] [-v] [folder...]`.

-v prints each failing case with its expected and actual values.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "dmn_tck"))

from kit import folders, read_cases, run_case  # noqa: E402


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    levels = [int(a) for a in args if a in ("2", "3")] or [2, 3]
    only = [a for a in args if a not in ("2", "3")]
    for level in levels:
        total = passed = 0
        started = time.perf_counter()
        for folder in folders(level):
            if only and not any(o in folder.name for o in only):
                continue
            outcomes = [run_case(folder, c) for c in read_cases(folder)]
            ok = sum(o.passed for o in outcomes)
            total += len(outcomes)
            passed += ok
            mark = "ok  " if ok == len(outcomes) else "FAIL"
            print(f"{mark} L{level} {folder.name:45s} {ok:4d}/{len(outcomes)}")
            if verbose:
                for o in outcomes:
                    if not o.passed:
                        print(f"       {o.case.id}: {o.detail[:400]}")
        print(f"DMN TCK level {level}: {passed} of {total} passed ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
