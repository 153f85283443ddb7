"""数据局 (data_bureau): push the case data to the departments that act on it."""
from __future__ import annotations

from .context import HandlerError
from .variables import setting


def push_case(ctx) -> dict:
    raw = ctx.inputs.get("departments")
    if raw is None:
        raw = ctx.variables.get("departments")
    if raw is None:
        raise HandlerError("data_bureau.push_case needs the input 'departments'")
    departments = [d.strip() for d in (raw.split(",") if isinstance(raw, str) else raw) if d.strip()]
    shared = setting(ctx, "exchange", "shared_variables")   # what a department receives: the locality's choice
    payload = {k: ctx.variables[k] for k in shared if k in ctx.variables}
    for department in departments:
        ctx.ports.exchange.push(ctx.business_key, department, payload, ctx.idempotency_key, at=ctx.now)
    return {"pushed_to": departments}


HANDLERS = {"data_bureau.push_case": push_case}
