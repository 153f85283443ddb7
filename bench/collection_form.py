"""Benchmark: the monthly 信息采集表 of a 1,000-person batch, as XLSX (openpyxl, write-only) and as PDF (reportlab).

    .venv/bin/python bench/collection_form.py [--n 1000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test_x]

A fresh database (a temporary SQLite file, or the PostgreSQL one given, emptied first) gets N Zongyang cases of one
community batch: the case, the application, the roster row, the acceptance of May 2027, three joint items and the
completed 采集表 task. Then, as GET /api/reports/collection-form.xlsx does it: the query (api/report_tables.
collection_rows), the workbook, the PDF. Reference in the same run: json.dumps of the same rows (what the JSON list
of the batch would cost). Not a test: it prints a table.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

ITEMS = (("pension_claim", "social_insurance"), ("retiree_medical", "medical_insurance"),
         ("housing_fund_withdrawal", "housing_fund"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强桂兰海燕明华淑珍立新玉梅德胜"


def build(url: str, n: int):
    from engine.bootstrap import bootstrap
    from engine.store.models import Application, Base, Definition, HumanTask, Instance, Item
    from handlers.ledger.schema import acceptances, metadata as ledger, persons
    from handlers.personal import make_id_number

    db = sa.create_engine(url)
    Base.metadata.create_all(db)
    ledger.create_all(db)
    db.dispose()
    eng = bootstrap(url, processes_dir=ROOT / "processes", forms_dir=ROOT / "forms", worker_id="bench")
    eng.deploy_folders("bench")
    path = eng.runtime.localities.path("340722")
    at = datetime(2027, 5, 20, 2, 0, tzinfo=timezone.utc)
    with eng.runtime.transaction() as s:
        definition = s.scalar(sa.select(Definition.id).where(Definition.key == "retirement",
                                                             Definition.locality == "340722"))
        assert definition is not None, "the Zongyang retirement process is deployed"
        people, accepted = [], []
        for i in range(n):
            born = date(1966, 12, 1 + i % 28)
            id_number = make_id_number("340722", born, 11 + 2 * (i % 450))
            id_number = id_number[:14] + f"{(i // 450) % 10}" + id_number[15:]  # distinct numbers past 450
            from handlers.personal import check_digit
            id_number = id_number[:17] + check_digit(id_number[:17])
            name = SURNAMES[i % 20] + GIVEN[(i * 7) % 16:(i * 7) % 16 + 2]
            key, iid = f"ZY-BENCH-{i:05d}", str(uuid.uuid4())
            phone = f"139{i:08d}"
            s.add(Instance(id=iid, process_key="retirement", definition_id=definition, subprocess_definitions={},
                           snapshot_seq=1, locality="340722", locality_path=path, business_key=key, status="running",
                           state="{}", waiting_in=[], started_at=at, updated_at=at, started_by="zy_community"))
            s.flush()
            s.add(Application(id=str(uuid.uuid4()), business_key=key, instance_id=iid, locality="340722",
                              locality_path=path, id_number=id_number, name=name, channel="community",
                              data={"name": name, "id_number": id_number, "phone": phone, "channel": "community"},
                              submitted_by="zy_community", created_at=at))
            for code, dept in ITEMS:
                s.add(Item(instance_id=iid, item=code, department=dept, locality="340722", locality_path=path,
                           state="in_progress", result={}, started_at=at))
            s.add(HumanTask(id=str(uuid.uuid4()), instance_id=iid, process_key="retirement",
                            activity_id="Task_accept_community", name="社区/乡镇社保所受理并填写采集表", business_key=key,
                            locality="340722", locality_path=path, candidate_groups=["community", "township"],
                            form_ref="collection_form", status="completed", created_at=at, completed_at=at,
                            completed_by="zy_community",
                            summary={"name": name, "id_number": id_number, "retirement_date": "2027-06-01",
                                     "application_form_received": True, "personnel_file_received": i % 5 != 0,
                                     "joint_items": [c for c, _d in ITEMS], "file_pages": 10 + i % 40}))
            people.append({"id_number": id_number, "name": name, "sex": "male", "category": "male",
                           "birth_date_id_card": born, "phone": phone, "phone_valid": True, "locality": "340722",
                           "flexible": False})
            accepted.append({"business_key": key, "idempotency_key": f"bench-{key}", "id_number": id_number,
                             "locality": "340722", "channel": "community", "batch_group": "community",
                             "accepted_on": date(2027, 5, 20), "batch_month": "2027-05"})
        s.execute(persons.insert(), people)
        s.execute(acceptances.insert(), accepted)
    if eng.runtime.db.url.get_backend_name() == "postgresql":  # fresh statistics, as autovacuum keeps them on a live server
        with eng.runtime.db.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    return eng


def measure(eng, n: int) -> None:
    from api.collection_pdf import collection_pdf
    from api.report_tables import COLLECTION_COLUMNS, as_sheet, collection_rows
    from api.spreadsheets import workbook

    def timed(fn, repeat=3):
        best, out = None, None
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = fn()
            took = time.perf_counter() - t0
            best = took if best is None else min(best, took)
        return out, best

    like = eng.runtime.localities.path("340722") + "%"

    def query():
        with eng.runtime.reading() as s:
            return collection_rows(eng, s, like, "340722", "2027-05", ["community"], whole=True)

    rows, t_query = timed(query)
    assert len(rows) == n, (len(rows), n)
    title = "枞阳县企业职工基本养老保险“退休人员一件事”信息采集表（2027-05 社区（村、居委会）、乡镇社保所）"
    xlsx, t_xlsx = timed(lambda: workbook([as_sheet("采集表", title, COLLECTION_COLUMNS, rows)]))
    head = {"title": title, "office": "社区（村、居委会）、乡镇社保所", "locality_name": "枞阳县", "month": "2027-05"}
    pdf, t_pdf = timed(lambda: collection_pdf(head, COLLECTION_COLUMNS, rows), repeat=1)
    text, t_json = timed(lambda: json.dumps(rows, ensure_ascii=False, default=str).encode())
    print(f"采集表 of a {n}-person batch ({eng.runtime.db.url.get_backend_name()})")
    print(f"{'step':<28}{'seconds':>10}{'bytes':>12}{'× json':>9}")
    print(f"{'query (rows of the batch)':<28}{t_query:>10.3f}{'':>12}{t_query / t_json:>9.1f}")
    print(f"{'XLSX (openpyxl write-only)':<28}{t_xlsx:>10.3f}{len(xlsx):>12,}{t_xlsx / t_json:>9.1f}")
    print(f"{'query + XLSX':<28}{t_query + t_xlsx:>10.3f}{len(xlsx):>12,}{(t_query + t_xlsx) / t_json:>9.1f}")
    print(f"{'PDF (reportlab platypus)':<28}{t_pdf:>10.3f}{len(pdf):>12,}{t_pdf / t_json:>9.1f}")
    print(f"{'reference: json.dumps':<28}{t_json:>10.4f}{len(text):>12,}{1:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pg", help="a PostgreSQL URL whose database is emptied and used")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-collection-")
    try:
        if args.pg:
            from tests.conftest import reset_database
            reset_database(args.pg)
            url = args.pg
        else:
            url = f"sqlite:///{tmp}/bench.db"
        eng = build(url, args.n)
        measure(eng, args.n)
        eng.runtime.db.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
