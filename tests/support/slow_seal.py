"""Loaded into a worker with RETIRE_HANDLER_MODULES by the shutdown test: each seal says it started in a
marker file, then takes a few seconds, so the test can stop the worker while a batch is under way."""
from __future__ import annotations

import os
import time
from pathlib import Path

from handlers.housing_fund import HANDLERS as REAL


def slow_seal(ctx):
    with Path(os.environ["RETIRE_TEST_MARKER"]).open("a") as marker:
        marker.write(f"{ctx.instance_id}\n")
    time.sleep(3)
    return REAL["housing_fund.seal_account"](ctx)


HANDLERS = {"housing_fund.seal_account": slow_seal}
