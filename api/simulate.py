"""``retire simulate``: one locality over weeks or months with a fake clock, simulated people and clerks.

A fresh database (a temporary SQLite file unless a URL is given) gets the schema, the definitions from
processes/ and forms/ and a synthetic roster. Then a FakeClock steps day by day: timer start events
(Zongyang's quarterly notification and monthly batch), due jobs and timers; persons whose statutory
window opens apply (Zongyang: in the first days of the month before their retirement month; Jilin: the
employer declares 6 months before and launches formally once the launch window opens); clerks complete
every open task on working days with valid data for the task's form (``clerk_form_data``).
"""
from __future__ import annotations

import functools
import logging
import random
import shutil
import tempfile
import time as _time
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from engine.bpmn.expressions import add_months
from engine.clock import SHANGHAI, FakeClock

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
    if form_ref == "collection_form":   # the 采集表 carries what the person asked for on the application
        asked = data.get("requested_items") or ["retiree_medical", "housing_fund_withdrawal"]
        items = ["pension_claim"] + [i for i in ("retiree_medical", "housing_fund_withdrawal") if i in asked]
        return {"application_form_received": True, "personnel_file_received": True,
                "joint_items": items, "file_pages": rng.randint(20, 120), "collection_note": "材料齐全"}
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
        if rng.random() < 0.1:      # nobody reachable at any number: told in person
            return {"fix_outcome": "told_offline", "told_offline_note": "上门当面告知本人"}
        return {"fix_outcome": "corrected", "corrected_phone": valid_phone(rng, person.get("phone")),
                "verified_how": rng.choice(["visit", "call", "window", "bank_window"])}
    if form_ref == "batch_chase_form":
        return {"chase_outcome": "chased", "chase_note": "已电话督促受理机构"}
    if form_ref == "batch_reconcile_form":
        return {"reconcile_outcome": "declared_wrong", "reconcile_note": "以系统受理件数为准"}
    if form_ref == "offline_notice_form":
        return {"told_how": rng.choice(["in_person", "visit", "employer"]), "told_on": data.get("today") or
                data.get("started_at", "2025-01-01")[:10]}
    if form_ref == "housing_fund_reception_form":   # the simulated person keeps the appointment
        return {"reception_outcome": "came", "identity_checked": True, "pay_to_card_on_file": True}
    if form_ref == "prereview_form":
        return {"file_reviewed": True, "prereview_result": "pass", "prereview_note": "档案审核通过"}
    if form_ref == "prereview_fix_form":
        return {"materials_fixed": True, "fix_note": "已补正"}
    if form_ref == "contribution_guidance_form":
        check = data.get("contribution_check") or {}
        short = (check.get("total_months") or 0) < (check.get("minimum_months") or 0)
        return {"guidance_outcome": "defer" if short else "recheck", "arrears_settled": True,
                "accounts_consolidated": True,
                "guidance_note": "已告知补缴欠费并办理关系转移与个人账户归集"}
    if form_ref == "household_resolution_form":   # the simulated register never changes: a recheck would loop
        return {"household_resolution": "refused", "household_resolution_note": "户籍信息无法确认"}
    if form_ref == "contribution_ack_form":
        return {"contribution_findings_read": True}
    if form_ref == "declaration_reminder_form":
        return {"reminder_read": True}
    if form_ref == "only_child_claim_form":
        return {"only_child_claim": "handled", "only_child_paid_by": "employer", "only_child_claim_note": "已发放"}
    if form_ref == "flexible_early_notice_form":   # the person gave notice four months ahead
        requested = _month_start(data["requested_retirement_month"])
        return {"notice_date": (_month_start_after(requested, -4) + timedelta(days=rng.randrange(20))).isoformat(),
                "notice_copy_kept": True, "employer_note": "已收到职工书面告知"}
    if form_ref == "flexible_deferral_agreement_form":   # agreed about two months before the statutory date
        statutory = _month_start((data.get("statutory") or {})["retirement_month"])
        return {"employer_decision": "agree", "agreement_date": (_month_start_after(statutory, -2)).isoformat(),
                "employer_note": "双方协商一致"}
    raise KeyError(f"no simulated clerk knows the form {form_ref!r}")


# ---- the simulation --------------------------------------------------------------------------

ZONGYANG_CHANNELS = (("community", 25), ("township", 10), ("agency", 10), ("archive_agency", 5), ("employer", 25),
                     ("online", 15), ("individual", 10))
ASKS_FOR = 0.8                 # share of applicants who ask for each optional joint item
APPLY_WITHIN_DAYS = 5          # persons apply in the first days of their window
FLEXIBLE_SHARE = {"early": 0.04, "deferred": 0.04}   # who asks for an early or deferred month
FLEXIBLE_MONTHS = {"early": -6, "deferred": 12}      # how far from the statutory month they ask
LAUNCH_WITHIN_DAYS = 3         # Jilin: the formal launch comes within a few days of the launch window opening
QUIET_LOGGERS = ("retire", "handlers", "engine", "spiff", "alembic")


def _month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _month_start_after(d: date, months: int) -> date:
    """The first day of the month ``months`` after ``d``'s."""
    return add_months(d.replace(day=1), months)


def _retired_on(entry: dict, approved_date) -> date:
    """The day the law treats the person as retired: the approved date of an early or flexible retirement; for a
    statutory one the day the statutory age is reached (birthday in the retirement month, by the file's date)."""
    approved = approved_date if isinstance(approved_date, date) else date.fromisoformat(str(approved_date)[:10])
    if entry.get("choice", "statutory") != "statutory":
        return approved
    p = entry["person"]
    born = p.get("birth_date_file") or p["birth_date_id_card"]
    months = (approved.year - born.year) * 12 + approved.month - born.month
    birthday = _month_start_after(date(born.year, born.month, 1), months)
    last = (_month_start_after(birthday, 1) - timedelta(days=1)).day
    return max(approved, birthday.replace(day=min(born.day, last)))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _launches_formally(eng, locality: str) -> bool:
    """Jilin's shape: the retirement in force here waits for a ``formal_launch`` message after a pre-review."""
    with eng.runtime.reading() as s:
        d = eng.runtime.definitions.require(s, "bpmn", "retirement", locality, eng.runtime.definitions.latest_seq(s))
        return 'name="formal_launch"' in d.content


class _Simulation:
    def __init__(self, eng, clock, locality: str, persons: list[dict], start: date, days: int, rng, echo):
        self.eng, self.clock, self.locality, self.persons = eng, clock, locality, persons
        self.start, self.days, self.rng, self.echo = start, days, rng, echo
        self.jilin = _launches_formally(eng, locality)
        self.plan: dict[date, list[dict]] = {}
        self.launch_after: dict[str, date] = {}
        self.counts = Counter()
        self.completed_by_activity = Counter()
        self.formless = Counter()
        self.engine_errors: list[dict] = []
        self.started_keys: list[str] = []
        self.guided: set[str] = set()
        self.cases: dict[str, dict] = {}
        self.task_ready = lambda task: True   # which open tasks the clerks take up now (the demo lets some wait)

    # -- who applies when --
    def schedule(self) -> None:
        end = self.start + timedelta(days=self.days)
        channels, weights = zip(*ZONGYANG_CHANNELS)
        for p in self.persons:
            birth_month = p["birth_date_id_card"].isoformat()[:7]
            out = self.eng.runtime.decisions.decide("statutory_retirement_age", self.locality,
                                  {"category": p["category"], "birth_month": birth_month})
            retirement = _month_start(out["retirement_month"])
            if retirement <= self.start:
                continue
            choice = self._flexible_choice()
            requested = _month_start_after(retirement, FLEXIBLE_MONTHS[choice]) if choice != "statutory" else None
            if choice == "early":      # asking for an earlier month means applying before that month's window
                retirement = requested
            if self.jilin:   # the employer (or the file agency, for flexible workers) declares 6 months before
                opens = _month_start_after(retirement, -6)
                channel = "archive_agency" if p.get("flexible") else "employer"
            else:            # the person applies once the window opens, a month before
                opens = _month_start_after(retirement, -1)
                channel = self.rng.choices(channels, weights)[0]
            day = max(opens, self.start) + timedelta(days=self.rng.randrange(APPLY_WITHIN_DAYS))
            if day >= end:
                continue
            if choice == "early":
                day = max(self.start, _month_start_after(requested, -3)) + timedelta(days=self.rng.randrange(APPLY_WITHIN_DAYS))
                if day >= end:
                    continue
            optional = ("medical_deemed_years", "housing_fund_withdrawal", "only_child_reward") if self.jilin \
                else ("retiree_medical", "housing_fund_withdrawal")
            asked = [i for i in optional if self.rng.random() < ASKS_FOR]
            self.plan.setdefault(day, []).append({"person": p, "channel": channel, "birth_month": birth_month,
                                                  "requested_items": asked,
                                                  "retirement_month": out["retirement_month"], "choice": choice,
                                                  "requested": requested.isoformat()[:7] if requested else None})

    def _flexible_choice(self) -> str:
        roll = self.rng.random()
        for choice, share in FLEXIBLE_SHARE.items():
            if roll < share:
                return choice
            roll -= share
        return "statutory"

    def variables(self, entry: dict) -> dict:
        p = entry["person"]
        return {"name": p["name"], "id_number": p["id_number"], "phone": p["phone"], "channel": entry["channel"],
                "retirement_type": "normal", "bank_card": p["bank_card"], "category": p["category"],
                "sex": p["sex"], "birth_month": entry["birth_month"],
                "birth_date_id_card": p["birth_date_id_card"].isoformat(),
                "employer_name": p.get("employer") or "", "address": p.get("hukou_address") or "",
                "applicant_locality": p["locality"], "consent": True,
                "retirement_choice": entry.get("choice", "statutory"),
                "requested_retirement_month": entry.get("requested"),
                "requested_items": entry.get("requested_items", [])}

    # -- one day --
    def run_jobs(self) -> None:
        while True:
            ran = self.eng.run_due_jobs(limit=100, max_rounds=50)
            self.counts["jobs_run"] += ran
            if not ran:
                return

    def day(self, day: date) -> None:
        from engine.errors import EngineError

        self.clock.set(_at(day, 9, 30))        # after the monthly (08:00) and quarterly (09:00) timer starts
        started = self.eng.fire_timer_starts()
        self.counts["timer_starts"] += len(started)
        self.run_jobs()
        self.clock.set(_at(day, 10))
        for i, entry in enumerate(self.plan.get(day, [])):
            key = f"{self.locality}-{day:%Y%m%d}-{i:04d}"
            try:
                self.eng.start("retirement", self.locality, key, self.variables(entry),
                               f"{entry['channel']}:simulate")
            except EngineError as exc:
                self._engine_error("start", key, exc)
                continue
            self.started_keys.append(key)
            self.cases[key] = entry
            self.counts["applications_started"] += 1
        self.run_jobs()
        if self.jilin:
            self.launches(day)
        if self.eng.runtime.localities.calendar(self.locality).is_workday(day):
            for hour in (14, 16):              # two rounds: tasks the morning's jobs opened are done the same day
                self.clock.set(_at(day, hour))
                self.clerks(day)
                self.run_jobs()
        self.clock.set(_at(day, 18))
        self.run_jobs()

    def launches(self, day: date) -> None:
        from engine.errors import EngineError
        from engine.store.models import Subscription

        with self.eng.runtime.reading() as s:
            keys = sorted(set(s.scalars(sa.select(Subscription.business_key).where(
                Subscription.message_name == "formal_launch"))))
        for key in keys:
            when = self.launch_after.setdefault(key, day + timedelta(days=self.rng.randrange(LAUNCH_WITHIN_DAYS)))
            if day < when:
                continue
            try:
                self.eng.deliver_message("formal_launch", key, {"channel": "jishiban", "launched_on": day.isoformat()},
                                         actor="jishiban:simulate")
                self.counts["formal_launches"] += 1
            except EngineError as exc:
                self._engine_error("formal_launch", key, exc)

    def clerks(self, day: date) -> None:
        from engine import queries
        from engine.errors import Conflict, EngineError
        from engine.store.models import HumanTask

        with self.eng.runtime.reading() as s:
            tasks = [t for t in s.scalars(sa.select(HumanTask).where(HumanTask.status == "open")
                                          .order_by(HumanTask.created_at, HumanTask.id)).all() if self.task_ready(t)]
            work = []
            for t in tasks:
                needs_data = t.form_ref in ("birth_check_form", "medical_top_up_form", "phone_correction_form",
                                            "collection_form", "offline_notice_form",
                                            "batch_submission_form", "contribution_guidance_form",
                                            "flexible_early_notice_form", "flexible_deferral_agreement_form")
                data = queries.task_data(self.eng.runtime, s, t) if needs_data else {}
                if t.form_ref == "offline_notice_form":
                    data = dict(data, today=day.isoformat())
                count = self._batch_count(s, t, data) if t.form_ref == "batch_submission_form" else 0
                work.append((t, clerk_form_data(t.form_ref, data, rng=self.rng, case_count=count), data))
        for t, form, data in work:
            actor = f"{(t.candidate_groups or ['admin'])[0]}-clerk"
            if t.form_ref is None:
                self.formless[t.activity_id] += 1
                actor = "admin"
            try:
                self.eng.complete_task(t.id, form, actor)
            except Conflict:
                self.counts["task_conflicts"] += 1
                continue
            except EngineError as exc:
                self._engine_error("complete_task", t.business_key, exc, activity_id=t.activity_id)
                continue
            self.completed_by_activity[t.activity_id] += 1
            if t.form_ref == "contribution_guidance_form":
                self._settle_arrears(data, t)

    def _batch_count(self, session, t, data: dict) -> int:
        from handlers.ledger.schema import acceptances

        group = t.activity_id.removeprefix("Task_submit_")
        period = data.get("period")
        if not period:
            return 0
        return session.execute(sa.select(sa.func.count()).select_from(acceptances).where(
            acceptances.c.batch_group == group, acceptances.c.batch_month == period)).scalar() or 0

    def _settle_arrears(self, data: dict, t) -> None:
        """The world's side of contribution guidance: the person pays the arrears at the tax office."""
        from handlers.ledger.schema import contributions

        number = data.get("id_number")
        check = data.get("contribution_check") or {}
        if not number or not check.get("arrears_months"):
            return
        with self.eng.runtime.db.begin() as conn:
            conn.execute(sa.update(contributions).where(contributions.c.id_number == number)
                         .values(arrears_months=0, arrears_amount=0))
        self.counts["arrears_settled"] += 1

    def _engine_error(self, where: str, key: str, exc, activity_id: str | None = None) -> None:
        entry = {"where": where, "business_key": key, "error": type(exc).__name__,
                 "message": str(getattr(exc, "message", exc)).split("\n")[0],
                 "activity_id": getattr(exc, "activity_id", None) or activity_id}
        self.engine_errors.append(entry)
        if len(self.engine_errors) <= 20:
            self.echo(f"  engine error at {where} {key}: {entry['error']}: {entry['message']} "
                      f"(activity {entry['activity_id']})")

    # -- what happened --
    def snapshot(self) -> dict:
        from engine.store.models import HumanTask, Instance, Item, Job
        from handlers.ledger.schema import sms_outbox

        with self.eng.runtime.reading() as s:
            def count(q):
                return s.execute(q).scalar() or 0
            return {
                "completed": count(sa.select(sa.func.count()).select_from(Instance).where(
                    Instance.process_key == "retirement", Instance.status == "completed")),
                "open_tasks": count(sa.select(sa.func.count()).select_from(HumanTask).where(HumanTask.status == "open")),
                "sms": count(sa.select(sa.func.count()).select_from(sms_outbox)),
                "items_done": count(sa.select(sa.func.count()).select_from(Item).where(Item.state == "done")),
                "incidents": count(sa.select(sa.func.count()).select_from(Job).where(Job.status == "incident")),
            }

    def obligations(self) -> dict:
        """Per department: items requested / done / not requested / not applicable / rejected; cases open past a
        due date or with nothing that will move them; seals, payments and medical switches before the day the
        person is retired (the day the statutory age is reached, or the approved month of an early or flexible
        retirement; computed here from the roster, independently of the diagrams)."""
        from engine.store.models import HumanTask, Instance, Item, Job, Subscription
        from handlers.ledger.schema import (approvals, housing_fund_accounts, housing_fund_withdrawals,
                                            pension_awards)

        now = self.clock.now()
        per_department: dict[str, Counter] = {}
        with self.eng.runtime.reading() as s:
            for dept, state, n in s.execute(sa.select(Item.department, Item.state, sa.func.count()).where(
                    Item.locality == self.locality).group_by(Item.department, Item.state)):
                per_department.setdefault(dept or "?", Counter())[state] += n
            overdue_tasks = s.execute(sa.select(HumanTask.activity_id, sa.func.count()).where(
                HumanTask.status == "open", HumanTask.due_at < now).group_by(HumanTask.activity_id)).all()
            late_jobs = s.scalar(sa.select(sa.func.count()).select_from(Job).where(
                Job.status.in_(("ready", "incident")), Job.due_at < now - timedelta(days=1))) or 0
            running = dict(s.execute(sa.select(Instance.id, Instance.business_key).where(
                Instance.process_key == "retirement", Instance.status == "running")).all())
            moving = set(s.scalars(sa.select(HumanTask.instance_id).where(HumanTask.status == "open")))
            moving |= set(s.scalars(sa.select(Job.instance_id).where(Job.status.in_(("ready", "running")))))
            moving |= set(s.scalars(sa.select(Subscription.instance_id)))
            item_done_on = {(k, i): at for k, i, at in s.execute(
                sa.select(Instance.business_key, Item.item, Item.completed_at).join(
                    Instance, Instance.id == Item.instance_id).where(Item.state == "done"))}
        with self.eng.runtime.db.connect() as conn:
            approved = {r.business_key: r for r in conn.execute(sa.select(approvals))}
            accounts = {r.id_number: r for r in conn.execute(sa.select(housing_fund_accounts))}
            paid = {r.account_no: r.paid_on for r in conn.execute(sa.select(housing_fund_withdrawals))}
            awards = {r.business_key: r.first_payment_month for r in conn.execute(sa.select(pension_awards))}
        early = Counter()
        for key, entry in self.cases.items():
            row = approved.get(key)
            if row is None:
                continue
            retired_on = _retired_on(entry, row.retirement_date)
            account = accounts.get(entry["person"]["id_number"])
            if account is not None and account.sealed_on and account.sealed_on < retired_on:
                early["housing_fund_sealed"] += 1
            if account is not None and paid.get(account.account_no) and paid[account.account_no] < retired_on:
                early["housing_fund_paid"] += 1
            if awards.get(key) and str(awards[key])[:7] <= retired_on.isoformat()[:7]:
                early["pension_first_month"] += 1
            for item in ("retiree_medical", "medical_deemed_years"):
                done = item_done_on.get((key, item))
                if done is not None and done.astimezone(SHANGHAI).date() < retired_on:
                    early["medical_switch"] += 1
        table = {dept: {"requested": sum(c.values()) - c["not_requested"], "done": c["done"],
                        "in_progress": c["in_progress"], "not_requested": c["not_requested"],
                        "not_applicable": c["not_applicable"], "rejected": c["rejected"]}
                 for dept, c in sorted(per_department.items())}
        return {"items_by_department": table,
                "open_past_due": {"tasks": dict(overdue_tasks), "jobs": late_jobs,
                                  "cases_with_nothing_to_move_them": len(set(running) - moving)},
                "before_retirement_date": {k: early[k] for k in ("housing_fund_sealed", "housing_fund_paid",
                                                                   "pension_first_month", "medical_switch")}}

    def summary(self, wall: float) -> dict:
        from engine.store.models import HumanTask, Instance, Item, Job, TimerStart
        from handlers.ledger.schema import sms_outbox

        with self.eng.runtime.reading() as s:
            sms = dict(s.execute(sa.select(sms_outbox.c.status, sa.func.count()).group_by(sms_outbox.c.status)).all())
            sms_by_template = dict(s.execute(sa.select(sms_outbox.c.template, sa.func.count())
                                             .group_by(sms_outbox.c.template)).all())
            items = dict(s.execute(sa.select(Item.item, sa.func.count()).where(Item.state == "done")
                                   .group_by(Item.item).order_by(Item.item)).all())
            instances = dict(s.execute(sa.select(Instance.status, sa.func.count()).where(
                Instance.process_key == "retirement").group_by(Instance.status)).all())
            open_tasks = dict(s.execute(sa.select(HumanTask.activity_id, sa.func.count()).where(
                HumanTask.status == "open").group_by(HumanTask.activity_id)).all())
            incidents = s.execute(sa.select(Job.activity_id, Job.topic, Job.last_error).where(
                Job.status == "incident")).all()
            fixed = s.execute(sa.select(sa.func.count()).select_from(HumanTask).where(
                HumanTask.activity_id == "Task_fix_phone", HumanTask.status == "completed")).scalar()
            timer_starts = {f"{key}@{code}": n for key, code, n in s.execute(
                sa.select(TimerStart.process_key, TimerStart.locality, sa.func.count())
                .group_by(TimerStart.process_key, TimerStart.locality)).all()}
            waiting = Counter()
            for (w,) in s.execute(sa.select(Instance.waiting_in).where(Instance.process_key == "retirement",
                                                                      Instance.status == "running")):
                for entry in w or []:
                    waiting[entry.get("activity_id")] += 1
        by_error = Counter(f"{a} ({t}): {(e or '').splitlines()[0][:160]}" for a, t, e in incidents)
        out = {
            "locality": self.locality,
            "start": self.start.isoformat(),
            "end": (self.start + timedelta(days=self.days - 1)).isoformat(),
            "days_simulated": self.days,
            "wall_clock_seconds": round(wall, 1),
            "persons_in_roster": len(self.persons),
            "notifications_sent": sum(sms.values()),
            "notifications_by_status": sms,
            "notifications_by_template": sms_by_template,
            "wrong_phones_corrected": fixed,
            "applications_started": self.counts["applications_started"],
            "cases_completed": instances.get("completed", 0),
            "cases_by_status": instances,
            "joint_items_completed": items,
            "open_tasks_left": sum(open_tasks.values()),
            "open_tasks_by_activity": dict(sorted(open_tasks.items())),
            "running_cases_waiting_in": dict(sorted(waiting.items())),
            "incidents": len(incidents),
            "incidents_by_error": dict(by_error),
            "tasks_completed": sum(self.completed_by_activity.values()),
            "tasks_completed_by_activity": dict(sorted(self.completed_by_activity.items())),
            "timer_starts": timer_starts,
            "jobs_run": self.counts["jobs_run"],
            **self.obligations(),
        }
        if self.jilin:
            out["formal_launches"] = self.counts["formal_launches"]
            out["arrears_settled"] = self.counts["arrears_settled"]
        if self.counts["task_conflicts"]:
            out["task_conflicts"] = self.counts["task_conflicts"]
        if self.formless:
            out["formless_tasks_completed_by_admin"] = dict(self.formless)
        if self.engine_errors:
            out["engine_errors"] = self.engine_errors[:50]
            out["engine_error_count"] = len(self.engine_errors)
        return out


def statutory_months(eng, locality: str):
    """The demo roster's ``retirement_month``: the locality's statutory_retirement_age table, once per input."""
    @functools.lru_cache(maxsize=None)
    def month(category: str, birth_month: str) -> str:
        return eng.runtime.decisions.decide("statutory_retirement_age", locality,
                          {"category": category, "birth_month": birth_month})["retirement_month"]
    return month


def run_simulation(*, locality: str = "340722", start: str | date | None = None, days: int = 92,
                   people: int = 2000, database_url: str | None = None, echo=print, seed: int = 7) -> dict:
    """Simulate ``days`` days of ``locality`` from ``start`` (default today) → a summary dict (see module doc)."""
    from engine.bootstrap import bootstrap
    from engine.store.migrate import upgrade
    from handlers.ledger.demo_roster import generate_roster, load_roster

    from .config import Config

    began = _time.perf_counter()
    if isinstance(start, str):
        start = date.fromisoformat(start)
    start = start or datetime.now(SHANGHAI).date()
    folder = None
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="retire-simulate-")
        database_url = f"sqlite:///{Path(folder) / 'simulate.db'}"
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    eng = None
    try:
        logging.disable(logging.INFO)          # Alembic's chatter
        try:
            upgrade(database_url)              # engine and ledger tables (Alembic, to head)
        finally:
            logging.disable(logging.NOTSET)
        clock = FakeClock(_at(start, 7))
        eng = bootstrap(database_url, processes_dir=Config.PROCESSES_DIR, forms_dir=Config.FORMS_DIR, clock=clock,
                        ports_kind="ledger", worker_id="simulate")
        eng.deploy_folders("simulate")
        eng.runtime.localities.require(locality)
        # the demo roster retires in the six quarters after its "today": one quarter back, so that windows
        # open from the first simulated day on
        persons = generate_roster(locality, people, today=_month_start_after(start, -3), seed=seed,
                                  retirement_month=statutory_months(eng, locality))
        load_roster(eng.runtime.db, persons)
        sim = _Simulation(eng, clock, locality, persons, start, days, random.Random(seed), echo)
        sim.schedule()
        planned = sum(len(v) for v in sim.plan.values())
        echo(f"simulating {locality} {eng.runtime.localities.require(locality).name} from {start} for {days} days: "
             f"{len(persons)} persons, {planned} will apply in the period")
        for i in range(days):
            day = start + timedelta(days=i)
            sim.day(day)
            if (i + 1) % 7 == 0 or i == days - 1:
                snap = sim.snapshot()
                echo(f"{day} week {i // 7 + 1:>2}: started {sim.counts['applications_started']:>4}, "
                     f"completed {snap['completed']:>4}, items done {snap['items_done']:>5}, "
                     f"open tasks {snap['open_tasks']:>4}, sms {snap['sms']:>5}, jobs {sim.counts['jobs_run']:>6}, "
                     f"incidents {snap['incidents']}, {_time.perf_counter() - began:.0f} s")
        summary = sim.summary(_time.perf_counter() - began)
        echo(obligations_table(summary))
        summary["database"] = "temporary SQLite (deleted)" if folder else _safe(database_url)
        return summary
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        if eng is not None:
            eng.runtime.db.dispose()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def obligations_table(summary: dict) -> str:
    """The per-department figures as a table for the terminal."""
    lines = [f"{'department':<20}{'requested':>10}{'done':>7}{'in prog.':>9}{'not req.':>9}{'n/a':>6}{'rejected':>9}"]
    for dept, row in summary["items_by_department"].items():
        lines.append(f"{dept:<20}{row['requested']:>10}{row['done']:>7}{row['in_progress']:>9}"
                     f"{row['not_requested']:>9}{row['not_applicable']:>6}{row['rejected']:>9}")
    past = summary["open_past_due"]
    lines.append(f"open past due: tasks {sum(past['tasks'].values())} {past['tasks'] or ''}, late jobs {past['jobs']}, "
                 f"cases with nothing to move them {past['cases_with_nothing_to_move_them']}")
    lines.append("before the retirement date: " + ", ".join(f"{k} {v}" for k, v in
                                                            summary["before_retirement_date"].items()))
    return "\n".join(lines)


def _safe(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)
