"""卫健 (health): the only-child parents' reward at retirement (城镇独生子女父母奖励金)."""
from __future__ import annotations

from .variables import id_number, local_today, setting


def only_child_reward(ctx) -> dict:
    number = id_number(ctx)
    certificate = ctx.ports.health.certificate(number)
    reward_type = setting(ctx, "health", "only_child_reward_type")
    channel = setting(ctx, "health", "only_child_reward_channel", "employer")
    if certificate is None:
        return {"only_child": {"eligible": False, "certificate_no": None, "reward_type": reward_type,
                               "channel": channel}}
    row = ctx.ports.health.grant_reward({
        "business_key": ctx.business_key, "id_number": number, "certificate_no": certificate["certificate_no"],
        "reward_type": reward_type, "channel": channel, "granted_on": local_today(ctx),
    }, ctx.idempotency_key)
    return {"only_child": {"eligible": True, "certificate_no": row["certificate_no"],
                           "reward_type": row["reward_type"], "channel": row["channel"]}}


HANDLERS = {"health.only_child_reward": only_child_reward}
