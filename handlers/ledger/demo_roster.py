"""Synthetic insured persons for the demo and for load tests, with every record a handler reads.

``generate_roster("340722", 2000, today=date(2026, 11, 1), seed=1, retirement_month=...)`` gives persons whose
statutory retirement month falls in the six quarters after ``today``'s quarter — ``retirement_month(category,
birth_month)`` is the locality's statutory_retirement_age table (the 2025 reform lives there, not here) —
with contribution histories (deemed years, gaps, arrears, periods elsewhere), pension, medical and
housing-fund accounts, wrong phones, file birth dates that differ from the ID card, special work and
only-child certificates. ``load_roster`` writes them into the ledger.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ..months import months_after, first_day, month_index, month_of, month_text, next_quarter, quarter_months
from ..personal import make_id_number
from . import schema

COUNTIES = {"340722": ["340722"], "340700": ["340722"], "340000": ["340722"],
            "220000": ["220102", "220103", "220104"], "220100": ["220102", "220103", "220104"]}
PLACES = {"340722": "安徽省铜陵市枞阳县", "220102": "吉林省长春市南关区", "220103": "吉林省长春市宽城区",
          "220104": "吉林省长春市朝阳区"}
ACCOUNT_START = {"34": "1996-01", "22": "1995-07"}  # individual accounts began (domain.md §3.4)
ELSEWHERE = ["320102", "310101", "440106", "330106"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
COMPOUND = ["欧阳", "司马", "诸葛", "上官"]
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志红玉梅文斌辉海波云峰春林凤"
TOWNS = ["枞阳镇", "汤沟镇", "横埠镇", "义津镇", "老洲镇", "南大街道", "重庆路街道", "桃源街道"]
SPECIAL_TYPES = ["underground", "high_altitude", "high_temperature", "heavy", "harmful"]

CATEGORIES = ("male", "female_cadre", "female_worker")   # the roster's 人员类型 (statutory_retirement_age input)
RetirementMonth = Callable[[str, str], str]                # (category, birth month "YYYY-MM") → "YYYY-MM"


def _candidates(first: str, last: str, retirement_month: RetirementMonth) -> dict[str, list[str]]:
    """Birth months, per category, whose statutory retirement month falls in [first, last]: born 49 to 64
    years before (every statutory age lies in between)."""
    low, high = month_index(first) - 64 * 12, month_index(last) - 49 * 12
    found = {c: [] for c in CATEGORIES}
    for index in range(low, high + 1):
        for category in CATEGORIES:
            month = retirement_month(category, month_text(index))
            if month_index(first) <= month_index(month) <= month_index(last):
                found[category].append(month_text(index))
    return found


def generate_roster(locality_code: str, n: int, *, today: date, seed: int,
                    retirement_month: RetirementMonth) -> list[dict]:
    if locality_code not in COUNTIES and locality_code.endswith("00"):
        raise ValueError(f"no demo counties known for {locality_code}; pass a county code")
    counties = COUNTIES.get(locality_code, [locality_code])
    first = quarter_months(next_quarter(today))[0]
    candidates = _candidates(first, months_after(first, 17), retirement_month)
    rng = random.Random(seed)
    maker = _PersonMaker(rng, today, counties, candidates)
    return [maker.person() for _ in range(n)]


class _PersonMaker:
    def __init__(self, rng, today, counties, candidates):
        self.rng, self.today, self.counties, self.candidates = rng, today, counties, candidates
        self.ids: set[str] = set()
        self.accounts = 0

    def person(self) -> dict:
        rng = self.rng
        category = rng.choices(list(CATEGORIES), [50, 20, 30])[0]
        sex = "male" if category == "male" else "female"
        county = rng.choice(self.counties)
        born = self._birth(category)
        id_number = self._id(county, born, sex)
        file_birth = born if rng.random() < 0.6 else None
        if rng.random() < 0.04:
            file_birth = first_day(months_after(born, -rng.randint(1, 18))).replace(day=min(born.day, 28))
        phone, phone_valid = self._phone()
        flexible = rng.random() < 0.2
        special = rng.random() < 0.05
        person = {
            "id_number": id_number, "name": self._name(), "sex": sex, "category": category,
            "birth_date_id_card": born, "birth_date_file": file_birth, "phone": phone, "phone_valid": phone_valid,
            "locality": county, "employer": None if flexible else f"{PLACES.get(county, '')}第{rng.randint(1, 40)}企业",
            "flexible": flexible, "special_work_type": rng.choice(SPECIAL_TYPES) if special else None,
            "special_work_years": rng.randint(8, 15) if special else None,
            "hukou_address": None if rng.random() < 0.02 else
            f"{PLACES.get(county, county)}{rng.choice(TOWNS)}{rng.randint(1, 200)}号",
            "only_child_certificate": f"独{county}{rng.randint(0, 999999):06d}" if rng.random() < 0.15 else None,
            "bank_card": "621700" + "".join(rng.choice("0123456789") for _ in range(13)),
        }
        person.update(self._records(person))
        return person

    def _birth(self, category) -> date:
        month = self.rng.choice(self.candidates[category])
        return first_day(month).replace(day=self.rng.randint(1, 28))

    def _id(self, county, born, sex) -> str:
        while True:
            sequence = self.rng.randrange(0, 1000)
            if (sequence % 2 == 1) != (sex == "male"):
                sequence = (sequence + 1) % 1000
            number = make_id_number(county, born, sequence)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def _name(self) -> str:
        rng = self.rng
        surname = rng.choice(COMPOUND) if rng.random() < 0.03 else rng.choice(SURNAMES)
        return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))

    def _phone(self) -> tuple[str, bool]:
        rng = self.rng
        phone = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        roll = rng.random()
        if roll < 0.025:
            return phone[:10], False  # a digit missing
        if roll < 0.05:
            return phone, False  # well-formed, but the number is out of service
        return phone, True

    def _records(self, person) -> dict:
        rng, county = self.rng, person["locality"]
        effective = person["birth_date_file"] or person["birth_date_id_card"]
        start = months_after(month_of(effective), rng.randint(18, 24) * 12)
        if rng.random() < 0.03:  # started late: too few years
            start = months_after(month_of(self.today), -rng.randint(8, 13) * 12)
        last = months_after(month_of(self.today), -1)
        status = rng.choices(["active", "suspended", "stopped"], [96, 3, 1])[0]
        if status != "active":
            last = months_after(last, -rng.randint(6, 30))
        account_start = ACCOUNT_START.get(county[:2], "1996-01")
        periods = []
        if month_index(start) < month_index(account_start):
            periods.append(self._period("deemed", county, start, months_after(account_start, -1)))
            start = account_start
        periods += self._actual_periods(county, start, last)
        actual = sum(month_index(p["end_month"]) - month_index(p["start_month"]) + 1 - p["arrears_months"]
                     for p in periods if p["kind"] == "actual")
        deemed = sum(month_index(p["end_month"]) - month_index(p["start_month"]) + 1
                     for p in periods if p["kind"] == "deemed")
        balance = Decimal(actual) * Decimal(rng.randint(250, 700))
        medical_before = min(actual, max(0, month_index("2001-01") - month_index(start)))
        housing = None
        if rng.random() < 0.6:
            self.accounts += 1
            housing = {"account_no": f"GJJ{county}{self.accounts:08d}", "id_number": person["id_number"],
                       "balance": Decimal(rng.randint(500000, 30000000)) / 100, "status": "open",
                       "bank_card": person["bank_card"]}  # the card the centre pays to
        return {
            "contributions": periods,
            "pension_account": {"id_number": person["id_number"], "locality": county, "status": status,
                                "balance": balance.quantize(Decimal("0.01"))},
            "medical_account": {"id_number": person["id_number"], "actual_months": actual - medical_before,
                                "deemed_months": deemed + medical_before,
                                "local_months": actual - medical_before - rng.choice([0, 0, 0, 24, 60]),
                                "status": "insured"},
            "housing_fund_account": housing,
        }

    def _actual_periods(self, county, start, last) -> list[dict]:
        rng = self.rng
        if rng.random() < 0.05 and month_index(last) - month_index(start) > 60:  # began elsewhere
            elsewhere_end = months_after(start, rng.randint(12, 48))
            periods = [self._period("actual", rng.choice(ELSEWHERE), start, elsewhere_end)]
            start = months_after(elsewhere_end, 1)
        else:
            periods = []
        if rng.random() < 0.1 and month_index(last) - month_index(start) > 72:  # a gap of 6 to 36 months
            gap_from = months_after(start, rng.randint(12, month_index(last) - month_index(start) - 48))
            gap_to = months_after(gap_from, rng.randint(5, 35))
            periods.append(self._period("actual", county, start, months_after(gap_from, -1)))
            start = months_after(gap_to, 1)
        final = self._period("actual", county, start, last)
        if rng.random() < 0.05:
            final["arrears_months"] = rng.randint(1, 6)
            final["arrears_amount"] = Decimal(final["arrears_months"] * rng.randint(700, 1200)).quantize(Decimal("0.01"))
        periods.append(final)
        return [p for p in periods if month_index(p["end_month"]) >= month_index(p["start_month"])]

    def _period(self, kind, locality, start, end) -> dict:
        return {"kind": kind, "locality": locality, "start_month": start, "end_month": end,
                "wage_index": Decimal(self.rng.randint(60, 200)) / 100, "arrears_months": 0,
                "arrears_amount": Decimal("0.00")}


PERSON_COLUMNS = [c.name for c in schema.persons.columns]


def load_roster(db_engine: sa.Engine, persons: list[dict]) -> int:
    """Write persons and their records into the ledger, replacing what is stored for the same IDs."""
    ids = [p["id_number"] for p in persons]
    with db_engine.begin() as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for table in (schema.contributions, schema.pension_accounts, schema.medical_accounts,
                          schema.housing_fund_accounts, schema.persons):
                conn.execute(table.delete().where(table.c.id_number.in_(chunk)))
        _insert(conn, schema.persons, [{k: p.get(k) for k in PERSON_COLUMNS} for p in persons])
        _insert(conn, schema.contributions, [dict(c, id_number=p["id_number"]) for p in persons
                                             for c in p.get("contributions", [])])
        _insert(conn, schema.pension_accounts, [p["pension_account"] for p in persons if p.get("pension_account")])
        _insert(conn, schema.medical_accounts, [p["medical_account"] for p in persons if p.get("medical_account")])
        _insert(conn, schema.housing_fund_accounts, [p["housing_fund_account"] for p in persons
                                                     if p.get("housing_fund_account")])
    return len(persons)


def _insert(conn, table, rows):
    for start in range(0, len(rows), 1000):
        if rows[start:start + 1000]:
            conn.execute(table.insert(), rows[start:start + 1000])
