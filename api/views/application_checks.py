"""Who may file an application, and for whom: the channel from the account, the person on the locality's roster,
a plausible birth date and the application window. The rules' values live in the localities' settings.yaml
(``application``) and in the DMN tables; this module only applies them."""
from __future__ import annotations

from datetime import date

from flask_smorest import abort

from engine.errors import InvalidInput
from handlers.localities import contains
from handlers.months import months_after, as_date, month_index, month_of

NORMAL = "normal"
FLEXIBLE_CHOICES = ("early", "deferred")


def _refuse(field: str, message: str):
    """422 on one field; the message says why, so a clerk reads the reason at the top of the page too."""
    raise InvalidInput(message, errors={field: [message]})


def channels_of(settings: dict, principal) -> list[str]:
    """The channels this account may file with, in order of preference."""
    rules = settings.get("application") or {}
    found = list((rules.get("channels_by_role") or {}).get(principal.role) or [])
    for group in principal.groups or []:
        for channel in (rules.get("channels_by_group") or {}).get(group) or []:
            if channel not in found:
                found.append(channel)
    return found


def resolve_channel(settings: dict, principal, asked: str | None) -> str:
    """The application's channel: the account's; a form channel the account may not use is a 403."""
    if principal.role == "admin":
        return asked or "online"
    allowed = channels_of(settings, principal)
    if not allowed:
        groups = "、".join(principal.groups or []) or principal.role
        abort(403, message=f"本账户（{groups}）不是受理退休申请的渠道，不能提交申请; "
                           f"the account of {groups} may not file applications")
    if asked and asked not in allowed:
        abort(403, message=f"本账户只能以“{'、'.join(allowed)}”渠道提交申请，不能以“{asked}”提交; "
                           f"this account files as {', '.join(allowed)}, not as {asked}")
    return asked or allowed[0]


def within(scope: str, county: str | None) -> bool:
    """Whether a county code lies in the subtree of locality ``scope`` (000000: everything)."""
    return scope == "000000" or contains(scope, county)


def check_person(roster, locality: str, locality_name: str, caller_locality: str, id_number: str) -> dict:
    """The person's roster row; 422 when not on the roster of the case's locality, 403 outside the caller's."""
    person = roster.get(id_number)
    if person is None or not within(locality, person.get("locality")):
        _refuse("id_number", f"该身份证号码不在本地（{locality_name}）参保人员名单中; "
                             f"the person is not on the insured-person roster of {locality}")
    if not within(caller_locality, person.get("locality")):
        abort(403, message=f"该参保人不属于本账户管辖地区; the person belongs to locality {person['locality']}, "
                           f"outside your locality {caller_locality}")
    return person


def retirement_dates(eng, locality: str, variables: dict, person: dict, *, session=None,
                     seq: int | None = None) -> dict:
    """Statutory month and the flexible window from the tables, for the person's recorded birth date (the tables
    in force at deployment ``seq``, read in ``session``; by default the latest, in a session of their own)."""
    born = as_date(person.get("birth_date_file")) or as_date(variables["birth_date_id_card"])
    inputs = {**variables, "birth_month": month_of(born)}
    statutory = eng.runtime.decisions.decide("statutory_retirement_age", locality, inputs, session=session, seq=seq)
    window = eng.runtime.decisions.decide("flexible_retirement_window", locality, {
        **inputs, "retirement_age_months": statutory["retirement_age_months"],
        "contribution_months": None, "minimum_months": None}, session=session, seq=seq)
    return {"born": born, "statutory": month_of(statutory["retirement_month"]),
            "earliest": month_of(window["earliest_month"]), "latest": month_of(window["latest_month"])}


def check_plausible(rules: dict, variables: dict, dates: dict, today: date) -> None:
    """A birth date whose latest possible retirement (plus the contribution extension) is long past is no
    retirement applicant; nor, for a normal retirement, one whose earliest flexible month is still years away
    (early retirement for special work, illness or 退职 has its own ages, judged in the case)."""
    before = rules.get("months_before_earliest_retirement")
    if before is not None and variables.get("retirement_type", NORMAL) == NORMAL:
        first = months_after(dates["earliest"], -int(before))
        if month_index(month_of(today)) < month_index(first):
            _refuse("id_number", f"出生日期{dates['born'].isoformat()}的参保人法定退休时间为{dates['statutory']}，"
                                 f"最早可于{dates['earliest']}弹性提前退休，{first}前不受理退休申请; "
                                 f"born {dates['born'].isoformat()}: no retirement application before {first}")
    extra = rules.get("months_after_latest_retirement")
    if extra is None:
        return
    last = months_after(dates["latest"], int(extra))
    if month_index(month_of(today)) > month_index(last):
        _refuse("id_number", f"出生日期{dates['born'].isoformat()}的参保人法定退休时间为{dates['statutory']}，"
                             f"最晚可退休至{dates['latest']}，不是退休申请人; "
                             f"born {dates['born'].isoformat()}: no retirement applicant after {last}")


def check_window(rules: dict, variables: dict, dates: dict, today: date) -> None:
    """The application window before a normal (statutory or flexible) retirement month."""
    before = rules.get("window_opens_months_before")
    if before is None or variables.get("retirement_type", NORMAL) != NORMAL:
        return
    flexible = variables.get("retirement_choice") in FLEXIBLE_CHOICES and variables.get("requested_retirement_month")
    target = month_of(variables["requested_retirement_month"]) if flexible else dates["statutory"]
    opens = as_date(months_after(target, -int(before)) + "-01")
    if today < opens:
        what = "申请的退休时间" if flexible else "法定退休时间"
        _refuse("requested_retirement_month" if flexible else "id_number",
                f"申请窗口尚未开启：{what}为{target}，须在到龄前{before}个月内（{opens.isoformat()}起）申请; "
                f"the application window opens on {opens.isoformat()}")


def check_online(rules: dict, channel: str, person: dict) -> None:
    if channel == "online" and rules.get("online_requires_flexible") and not person.get("flexible"):
        _refuse("channel", "线上申报仅限灵活就业参保人员；单位职工由所在单位申报; "
                           "online applications are for flexibly employed persons only; the employer files for employees")
