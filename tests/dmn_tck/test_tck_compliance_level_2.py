"""Every compliance-level-2 case of the DMN TCK gives the expected result through the engine's loader."""
from __future__ import annotations

import pytest

from kit import folders, read_cases, run_case

CASES = [(folder, case) for folder in folders(2) for case in read_cases(folder)]


@pytest.mark.skipif(not CASES, reason="../shared/corpus/dmn-tck is not beside the project")
@pytest.mark.parametrize("folder,case", CASES, ids=[case.key for _f, case in CASES])
def test_the_engine_gives_the_tck_result(folder, case):
    outcome = run_case(folder, case)
    assert outcome.passed, f"{case.key} ({case.description}): {outcome.detail}"
