"""公安 (public_security): household-registration confirmation (户籍信息确认).

吉人社联〔2024〕56号 二(五): 公安 verifies the person's household registration at 申报 (declaration), 审核 (review)
and 审批 (approval). Each check returns whether the record is consistent and, when it is not, the reason a
public-security clerk sees on the task that stops the case (processes/220000/household_verification.bpmn).
"""
from __future__ import annotations

from .months import as_date
from .personal import birth_date_from_id
from .variables import id_number, iso, local_today

STAGES = {"declaration": "申报", "review": "审核", "approval": "审批"}


def verify_household(ctx) -> dict:
    number = id_number(ctx)
    record = ctx.ports.household.lookup(number)
    stage = ctx.inputs.get("stage") or ctx.variables.get("household_stage")
    if record is None:
        household = {"registered": False, "address": None, "birth_date": None, "consistent": False,
                     "reason": "户籍系统中没有此身份证号码的户籍记录"}
    else:
        birth = as_date(record.get("birth_date"))
        name = ctx.variables.get("name")
        reasons = []
        if birth != birth_date_from_id(number):
            reasons.append(f"户籍登记出生日期{iso(birth)}与身份证号码不一致")
        if name and record.get("name") and record["name"] != name:
            reasons.append("户籍登记姓名与申请姓名不一致")
        household = {"registered": True, "address": record.get("address"), "birth_date": iso(birth),
                     "consistent": not reasons}
        if reasons:
            household["reason"] = "；".join(reasons)
    out = {"household": household}
    if stage:
        household["stage"] = stage
        checks = [c for c in (ctx.variables.get("household_checks") or []) if c.get("stage") != stage]
        checks.append({"stage": stage, "stage_name": STAGES.get(stage, stage), "on": local_today(ctx).isoformat(),
                       "consistent": household["consistent"], "reason": household.get("reason")})
        out["household_checks"] = checks
    return out


HANDLERS = {"public_security.verify_household": verify_household}
