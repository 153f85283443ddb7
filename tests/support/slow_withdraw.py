"""Loaded into a worker with RETIRE_HANDLER_MODULES by the crash test: the withdrawal pays, says so in a marker
file, then hangs — so the test can SIGKILL the worker after the money moved but before the case moved on."""
from __future__ import annotations

import os
import time
from pathlib import Path

from handlers.housing_fund import HANDLERS as REAL


def withdraw_then_hang(ctx):
    result = REAL["housing_fund.withdraw"](ctx)
    Path(os.environ["RETIRE_TEST_MARKER"]).write_text(str(result))
    time.sleep(120)
    return result


HANDLERS = {"housing_fund.withdraw": withdraw_then_hang}
