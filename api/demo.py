"""Demo data: definitions from the folders, one account per role, a synthetic roster per locality.

Demo accounts have the well-known passwords ``<role>123``, so ``load_demo`` runs only in demo mode (RETIRE_DEMO=1,
which ./dev run exports); real accounts are made with ``retire users create`` or POST /api/users.
"""
from __future__ import annotations

import functools

import sqlalchemy as sa

from engine.store.models import User

from .auth import hash_password, verify_password

DEMO_USERS = [
    # username, role, locality, groups, display name
    ("admin", "admin", "000000", [], "系统管理员"),
    ("policy", "policy", "000000", [], "部政策处"),
    ("policy_ah", "policy", "340000", [], "安徽省人社厅政策处"),
    ("policy_zy", "policy", "340722", [], "枞阳县人社局"),
    ("policy_jl", "policy", "220000", [], "吉林省人社厅政策处"),
    ("zy_community", "clerk", "340722", ["community"], "枞阳县社区经办"),
    ("zy_agency", "clerk", "340722", ["archive_agency"], "枞阳县劳动保障事务代理中心"),
    ("zy_township", "clerk", "340722", ["township"], "枞阳县乡镇社保所"),
    ("zy_bank", "clerk", "340722", ["bank_window"], "枞阳县社银合作网点"),
    ("zy_hrss", "clerk", "340722", ["hrss", "social_insurance"], "枞阳县人社局"),
    ("zy_medical", "clerk", "340722", ["medical_insurance"], "枞阳县医保局"),
    ("zy_housing", "clerk", "340722", ["housing_fund"], "枞阳县公积金中心"),
    ("zy_employer", "clerk", "340722", ["employer"], "枞阳县用人单位经办"),
    ("jl_employer", "clerk", "220000", ["employer", "archive_agency"], "吉林省用人单位经办"),
    ("jl_hrss", "clerk", "220000", ["hrss", "social_insurance"], "吉林省人社厅"),
    ("jl_medical", "clerk", "220000", ["medical_insurance"], "吉林省医保局"),
    ("jl_housing", "clerk", "220000", ["housing_fund"], "吉林省公积金中心"),
    ("jl_police", "clerk", "220000", ["public_security"], "吉林省公安厅"),
    ("jl_health", "clerk", "220000", ["health"], "吉林省卫健委"),
    ("wanshitong", "channel", "340000", [], "皖事通"),
    ("jishiban", "channel", "220000", [], "吉事办"),
    ("auditor", "auditor", "000000", [], "审计"),
]
ROSTER_LOCALITIES = ("340722", "220000")
DEMO_ONLY = ("演示账户只在演示模式下创建 (demo accounts with <role>123 passwords are made only in demo mode): "
             "run ./dev run, or set RETIRE_DEMO=1 on a machine nobody else reaches; create real accounts with "
             "retire users create")


class NotDemoMode(Exception):
    pass


def demo_password(role: str) -> str:
    return f"{role}123"


@functools.lru_cache(maxsize=None)
def _demo_hash(role: str) -> str:
    """One argon2 hash per demo password per process (each costs a quarter second; tests make many accounts)."""
    return hash_password(demo_password(role))


def ensure_user(engine, username, role, locality, groups, display_name="", password=None) -> bool:
    """Create the account unless it exists; without ``password`` it gets the demo password of its role."""
    with engine.runtime.transaction() as session:
        if session.scalar(sa.select(User).where(User.username == username)):
            return False
        session.add(User(username=username, role=role, locality=locality, groups=list(groups),
                         display_name=display_name,
                         password_hash=hash_password(password) if password else _demo_hash(role)))
        return True


def load_demo(engine, *, people: int = 2000, seed: int = 7) -> dict:
    from handlers.ledger.demo_roster import generate_roster, load_roster

    from .config import demo_mode
    from .simulate import statutory_months

    if not demo_mode():
        raise NotDemoMode(DEMO_ONLY)
    folders = engine.deploy_folders("demo")
    users = sum(ensure_user(engine, *u) for u in DEMO_USERS)
    today = engine.runtime.now().date()
    loaded = {}
    for i, code in enumerate(ROSTER_LOCALITIES):
        persons = generate_roster(code, people, today=today, seed=seed + i,
                                  retirement_month=statutory_months(engine, code))
        loaded[code] = load_roster(engine.runtime.db, persons)
    return {"users": users, "roster": loaded, "folders": folders}


def demo_passwords_in_use(engine) -> list[str]:
    """Active demo accounts whose password is still the public ``<role>123`` (a few hash checks at most)."""
    roles = {u[0]: u[1] for u in DEMO_USERS}
    with engine.runtime.reading() as session:
        rows = session.execute(sa.select(User.username, User.role, User.password_hash)
                               .where(User.username.in_(roles), User.active.is_(True))).all()
    return [r.username for r in rows if verify_password(r.password_hash, demo_password(r.role))[0]]


def is_empty(engine) -> bool:
    with engine.runtime.reading() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
