"""Calling DMN decisions through ctx.decide: the locality's tables in processes/ are the only source of a rule."""
from __future__ import annotations

from typing import Any

from .context import BusinessRuleViolation, HandlerError


def decide(ctx, decision_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The decision's outputs. No table in force for the locality is a HandlerError (retried: a deploy may bring
    it); no rule matching the inputs is a BusinessRuleViolation (an incident at once: the table must change)."""
    try:
        result = ctx.decide(decision_id, inputs)
    except LookupError as exc:
        raise HandlerError(f"决策表 {decision_id} 未在 {ctx.locality} 部署; decision {decision_id} is not deployed "
                           f"for {ctx.locality}: {exc}") from exc
    if not result:
        raise BusinessRuleViolation("no_matching_rule", f"决策表 {decision_id} 没有与输入匹配的规则; no rule of "
                                                        f"{decision_id} matches {inputs}")
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
            self._cache[key] = decide(self._ctx, self._decision_id, dict(inputs))
        return self._cache[key]

    @property
    def evaluations(self) -> int:
        return len(self._cache)
