"""Every compliance-level-2 case of the DMN TCK gives the expected result through the engine's loader."""
from __future__ import annotations

import pytest

from kit import folders, read_cases, run_case

CASES = [(folder, case) for folder in folders(2) for case in read_cases(folder)]
# Until engine.feel (names with spaces, **, function values) replaces engine/dmn's FEEL; removed then.
AWAITING_FEEL = {"0001-input-data-string", "0002-input-data-number", "0003-input-data-string-allowed-values",
                 "0008-LX-arithmetic", "0009-invocation-arithmetic", "0101-feel-constants", "0105-feel-math"}


@pytest.mark.skipif(not CASES, reason="../shared/corpus/dmn-tck is not beside the project")
@pytest.mark.parametrize("folder,case", CASES, ids=[case.key for _f, case in CASES])
def test_the_engine_gives_the_tck_result(folder, case):
    outcome = run_case(folder, case)
    if not outcome.passed and case.folder in AWAITING_FEEL:
        pytest.xfail(outcome.detail)
    assert outcome.passed, f"{case.key} ({case.description}): {outcome.detail}"
