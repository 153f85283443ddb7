"""卫健 (health): the only-child parents' reward at retirement (城镇独生子女父母奖励金)."""
from __future__ import annotations

from .context import HandlerError
from .variables import id_number, local_today, setting


def only_child_reward(ctx) -> dict:
    number = id_number(ctx)
    certificate = ctx.ports.health.certificate(number)
    reward_type = setting(ctx, "health", "only_child_reward_type")
    channel = setting(ctx, "health", "only_child_reward_channel")
    if certificate is None:
        return {"only_child": {"eligible": False, "certificate_no": None, "reward_type": reward_type,
                               "channel": channel}}
    row = ctx.ports.health.grant_reward({
        "business_key": ctx.business_key, "id_number": number, "certificate_no": certificate["certificate_no"],
        "reward_type": reward_type, "channel": channel, "granted_on": local_today(ctx),
    }, ctx.idempotency_key)
    return {"only_child": {"eligible": True, "certificate_no": row["certificate_no"],
                           "reward_type": row["reward_type"], "channel": row["channel"]}}



def _policy(ctx) -> dict:
    """The policy text, channel and procedure a locality shows the person (settings item_notices)."""
    notice = (ctx.settings.get("item_notices") or {}).get("only_child_reward") or {}
    return {k: notice.get(k) for k in ("policy", "channel", "procedure")}


def only_child_policy(ctx) -> dict:
    """吉人社联〔2024〕56号 二(四): 卫健 explains the policy and fixes the channel and procedure. Look up the
    certificate only; nothing is granted here (the claim is recorded by ``record_only_child_claim``)."""
    number = id_number(ctx)
    certificate = ctx.ports.health.certificate(number)
    policy = _policy(ctx)
    return {"only_child": {
        "eligible": certificate is not None, "certificate_no": (certificate or {}).get("certificate_no"),
        "reward_type": setting(ctx, "health", "only_child_reward_type"),
        "channel": policy["channel"] or setting(ctx, "health", "only_child_reward_channel"),
        "policy": policy["policy"], "procedure": policy["procedure"], "claim": "pending" if certificate else None}}


def record_only_child_claim(ctx) -> dict:
    """The claim a 卫健 clerk marked handled: record the reward once; the item is done only after this."""
    only_child = dict(ctx.variables.get("only_child") or {})
    if ctx.variables.get("only_child_claim") != "handled" or not only_child.get("certificate_no"):
        raise HandlerError("health.record_only_child_claim needs an eligible person whose claim is handled")
    row = ctx.ports.health.grant_reward({
        "business_key": ctx.business_key, "id_number": id_number(ctx), "certificate_no": only_child["certificate_no"],
        "reward_type": only_child.get("reward_type") or setting(ctx, "health", "only_child_reward_type"),
        "channel": ctx.variables.get("only_child_paid_by") or "employer", "granted_on": local_today(ctx),
    }, ctx.idempotency_key)
    only_child.update(claim="handled", paid_by=row.get("channel"),
                      granted_on=str(row.get("granted_on") or local_today(ctx)),
                      claim_note=ctx.variables.get("only_child_claim_note"))
    return {"only_child": only_child}


HANDLERS = {"health.only_child_reward": only_child_reward, "health.only_child_policy": only_child_policy,
            "health.record_only_child_claim": record_only_child_claim}
