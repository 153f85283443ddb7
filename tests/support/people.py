"""Persons for tests, in the shape the embedded ledger stores (see handlers/ledger/demo_roster.py)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.personal import make_id_number


def person(*, county: str, born: date, sex: str = "male", category: str | None = None, name: str = "王建国",
           seq: int = 11, phone: str = "13912345678", phone_valid: bool = True, housing_balance: str | None = "52345.67",
           birth_date_file: date | None = None, arrears_months: int = 0, medical_actual_months: int = 300,
           only_child_certificate: str | None = None, flexible: bool = False) -> dict:
    odd = seq % 2 == 1
    id_number = make_id_number(county, born, seq if odd == (sex == "male") else seq + 1)
    category = category or ("male" if sex == "male" else "female_worker")
    first_job = f"{born.year + 20}-09"
    p = {
        "id_number": id_number, "name": name, "sex": sex, "category": category, "birth_date_id_card": born,
        "birth_date_file": birth_date_file, "phone": phone, "phone_valid": phone_valid, "locality": county,
        "employer": None if flexible else "测试企业有限公司", "flexible": flexible, "special_work_type": None, "special_work_years": None,
        "hukou_address": "测试地址1号", "only_child_certificate": only_child_certificate,
        "bank_card": "6217001234567890123",
        "contributions": [
            {"kind": "deemed", "locality": county, "start_month": first_job, "end_month": "1995-12",
             "wage_index": Decimal("1.00"), "arrears_months": 0, "arrears_amount": Decimal("0.00")},
            {"kind": "actual", "locality": county, "start_month": "1996-01", "end_month": "2026-10",
             "wage_index": Decimal("1.20"), "arrears_months": arrears_months,
             "arrears_amount": Decimal(arrears_months * 900).quantize(Decimal("0.01"))},
        ],
        "pension_account": {"id_number": id_number, "locality": county, "status": "active",
                            "balance": Decimal("123456.00")},
        "medical_account": {"id_number": id_number, "actual_months": medical_actual_months, "deemed_months": 120,
                            "local_months": medical_actual_months, "status": "insured"},
        "housing_fund_account": None if housing_balance is None else {
            "account_no": f"GJJ{id_number[-8:]}", "id_number": id_number, "balance": Decimal(housing_balance),
            "status": "open", "bank_card": "6217001234567890123"},
    }
    return p


def application_data(p: dict, *, channel: str, retirement_type: str = "normal", **extra) -> dict:
    data = {"name": p["name"], "id_number": p["id_number"], "phone": p["phone"], "channel": channel,
            "retirement_type": retirement_type, "bank_card": p["bank_card"], "consent": True, **extra}
    if p["sex"] == "female":
        data["category"] = p["category"]
    return data
