"""Calling DMN decisions through ctx.decide, with the documented rule as fallback when none is deployed."""
from __future__ import annotations

import logging
from typing import Any, Callable

log = logging.getLogger(__name__)


def decide_or(ctx, decision_id: str, inputs: dict[str, Any],
              fallback: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The decision's outputs, or fallback() when the locality has no such decision (LookupError)."""
    try:
        result = ctx.decide(decision_id, inputs)
    except LookupError:
        log.info("decision %s not deployed for %s; using the built-in rule", decision_id, ctx.locality)
        return fallback()
    if not result:
        return fallback()
    return result


class CachedDecision:
    """Memoises one decision over hashable inputs for the length of one handler call."""

    def __init__(self, ctx, decision_id: str):
        self._ctx = ctx
        self._decision_id = decision_id
        self._cache: dict[tuple, dict[str, Any]] = {}

    def __call__(self, **inputs) -> dict[str, Any]:
        key = tuple(sorted(inputs.items()))
        if key not in self._cache:
            self._cache[key] = self._ctx.decide(self._decision_id, dict(inputs))
        return self._cache[key]

    @property
    def evaluations(self) -> int:
        return len(self._cache)
