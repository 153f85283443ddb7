"""The compliance-level-3 cases of the DMN TCK: a benchmark-style figure printed in the run.

The count passed is recorded, not asserted; the test fails only when the runner itself breaks
(a test-case file it cannot read). Engine crashes (anything but a DecisionError) are printed by name.
"""
from __future__ import annotations

import collections

import pytest

from kit import folders, run_level

LEVEL3 = folders(3)


@pytest.mark.skipif(not LEVEL3, reason="../shared/corpus/dmn-tck is not beside the project")
def test_the_level_3_cases_are_run_and_the_count_passed_is_printed(capsys):
    outcomes = run_level(3)
    passed = sum(o.passed for o in outcomes)
    crashes = [o for o in outcomes if o.crashed]
    by_folder = collections.Counter(o.case.folder for o in outcomes if not o.passed)
    with capsys.disabled():
        print(f"\nDMN TCK level 3: {passed} of {len(outcomes)} passed "
              f"({len(by_folder)} of {len(LEVEL3)} folders with a failure; {len(crashes)} engine crashes)")
        for o in crashes[:10]:
            print(f"  crash {o.case.key}: {o.detail[:200]}")
    assert outcomes, "the runner read no level-3 case"
