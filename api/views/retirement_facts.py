"""A person's statutory retirement month, how it was derived, and the locality's application window — from the
decision tables through the engine and the locality's settings (rules are data); this module only words them."""
from __future__ import annotations

from datetime import date

from handlers.months import as_date, month_of, months_after

from ..i18n import lang


def _choice_label(form: dict | None, key: str, value) -> str:
    for c in (form or {}).get("components") or []:
        if c.get("key") == key:
            for v in c.get("values") or []:
                if v.get("value") == value:
                    return v.get("label") or str(value)
    return str(value)


def _age(months: int, language: str) -> str:
    years, rest = divmod(int(months), 12)
    if language == "en":
        return f"{years} years" + (f" {rest} months" if rest else "")
    return f"{years}周岁" + (f"{rest}个月" if rest else "")


def statutory(eng, locality: str, category: str, born: date, form: dict | None = None) -> dict:
    """{retirement_month, retirement_date, age_months, delay_months, derivation} from statutory_retirement_age."""
    out = eng.runtime.decisions.decide("statutory_retirement_age", locality, {"category": category, "birth_month": month_of(born)})
    month, age, delay = month_of(out["retirement_month"]), out["retirement_age_months"], out.get("delay_months") or 0
    language = lang()
    if language == "en":
        text = (f"born {month_of(born)}, category {category}: statutory retirement age {_age(age, 'en')} "
                f"(delayed by {delay} months under the 2025 reform), so retirement in {month} "
                f"(decision table statutory_retirement_age)")
    else:
        text = (f"出生年月{month_of(born)}，{_choice_label(form, 'category', category)}，按渐进式延迟法定退休年龄办法"
                f"延迟{delay}个月，法定退休年龄{_age(age, 'zh')}，法定退休时间{month}（决策表：改革后法定退休年龄）")
    return {"retirement_month": month, "retirement_date": f"{month}-01", "age_months": age, "delay_months": delay,
            "derivation": text}


def window(settings: dict, dates: dict, today: date) -> dict:
    """When the locality accepts the application for a normal retirement; ``dates`` as
    application_checks.retirement_dates gives them (statutory, earliest and latest month, from the tables)."""
    rules = settings.get("application") or {}
    before = rules.get("window_opens_months_before")
    early = rules.get("months_before_earliest_retirement")
    extra = rules.get("months_after_latest_retirement")
    english = lang() == "en"
    statutory_month = dates["statutory"]
    if before is not None:
        opens = as_date(months_after(statutory_month, -int(before)) + "-01")
    elif early is not None:   # no window: the plausibility rule still refuses years-early applications
        opens = as_date(months_after(dates["earliest"], -int(early)) + "-01")
    else:
        opens = None
    closes = as_date(months_after(dates["latest"], int(extra) + 1) + "-01") if extra is not None else None
    open_now = (opens is None or today >= opens) and (closes is None or today < closes)
    if open_now:
        message = "now open: the application may be filed" if english else "申请窗口已开启，可以受理申请"
    elif opens is not None and today < opens:
        message = (f"the application window opens on {opens.isoformat()}" if english else
                   f"申请窗口尚未开启：法定退休时间为{statutory_month}，{opens.isoformat()}起受理申请")
    else:
        message = ("too late for a normal retirement application" if english else
                   "已超过可受理的退休时间，不能按正常退休受理")
    return {"opens": opens.isoformat() if opens else None, "closes": closes.isoformat() if closes else None,
            "open_now": open_now, "message": message}
