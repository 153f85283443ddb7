"""Loaded into a worker with RETIRE_HANDLER_MODULES by the crash test: the withdrawal notes the attempt in a
marker file, then kills its own worker process on the spot (no clean-up, no finally, like SIGKILL)."""
from __future__ import annotations

import os
from pathlib import Path


def withdraw_and_die(ctx):
    with Path(os.environ["RETIRE_TEST_MARKER"]).open("a") as marker:
        marker.write(f"{os.getpid()}\n")
    os._exit(137)


HANDLERS = {"housing_fund.withdraw": withdraw_and_die}
