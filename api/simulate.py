"""``retire simulate``: one locality over weeks or months with a fake clock, simulated people and clerks.

A fresh database (a temporary SQLite file unless a URL is given) gets the schema, the definitions from
processes/ and forms/ and a synthetic roster. Then a FakeClock steps day by day: timer start events
(Zongyang's quarterly notification and monthly batch), due jobs and timers; persons whose statutory
window opens apply (Zongyang: in the first days of the month before their retirement month; Jilin: the
employer declares 6 months before and launches formally once the launch window opens); clerks complete
every open task on working days with valid data for the task's form (``clerk_form_data``).
"""
from __future__ import annotations

import random

PHONE_PREFIXES = "3456789"


def valid_phone(rng: random.Random, near: str | None = None) -> str:
    """An 11-digit mobile number: the old one repaired when it lost a digit, else a fresh one."""
    digits = "".join(c for c in (near or "") if c.isdigit())
    if len(digits) == 10 and digits.startswith("1") and digits[1] in PHONE_PREFIXES:
        return digits + str(rng.randrange(10))
    return "1" + rng.choice(PHONE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(9))


def clerk_form_data(form_ref: str | None, data: dict, *, rng: random.Random | None = None,
                    case_count: int = 0) -> dict:
    """Valid form data for ``form_ref`` (approving / passing wherever the form offers a choice)."""
    rng = rng or random.Random(0)
    if form_ref is None:
        return {}
    if form_ref == "collection_form":
        return {"application_form_received": True, "personnel_file_received": True,
                "joint_items": ["pension_claim", "retiree_medical", "housing_fund_withdrawal"],
                "file_pages": rng.randint(20, 120), "collection_note": "材料齐全"}
    if form_ref == "approval_form":
        return {"decision": "approve", "approval_note": "符合退休条件，同意"}
    if form_ref == "medical_top_up_form":
        medical = data.get("medical") or {}
        try:
            amount = float(medical.get("top_up_due") or 0)
        except (TypeError, ValueError):
            amount = 0.0
        return {"top_up_paid": True, "top_up_amount": amount, "top_up_receipt": f"YB{rng.randrange(10**8):08d}"}
    if form_ref == "birth_check_form":
        check = data.get("birth_check") or {}
        effective = check.get("effective") or check.get("file_earliest") or check.get("id_card") \
            or data.get("birth_date_id_card") or f"{data.get('birth_month', '1966-01')}-01"
        return {"birth_date_confirmed": effective[:10], "category": data.get("category") or "male",
                "birth_month": effective[:7], "check_note": "以档案最先记载为准"}
    if form_ref == "batch_submission_form":
        return {"materials_delivered": True, "case_count": case_count, "batch_note": "按月报送"}
    if form_ref == "phone_correction_form":
        person = data.get("person") or {}
        return {"corrected_phone": valid_phone(rng, person.get("phone")),
                "verified_how": rng.choice(["visit", "call", "window"])}
    if form_ref == "prereview_form":
        return {"file_reviewed": True, "prereview_result": "pass", "prereview_note": "档案审核通过"}
    if form_ref == "prereview_fix_form":
        return {"materials_fixed": True, "fix_note": "已补正"}
    if form_ref == "contribution_guidance_form":
        return {"arrears_settled": True, "accounts_consolidated": True,
                "guidance_note": "已告知补缴欠费并办理关系转移与个人账户归集"}
    raise KeyError(f"no simulated clerk knows the form {form_ref!r}")
