"""Which monthly batch (报送组) an office submits follows the locality's settings: its channels
(application.channels_by_group) mapped through acceptance.batch_groups; the report months run in order."""
from __future__ import annotations

from pathlib import Path

import yaml

from api.report_tables import month_range, previous_month
from api.views.report_files import office_batch_groups

ROOT = Path(__file__).resolve().parents[3]


def _zongyang() -> dict:
    national = yaml.safe_load((ROOT / "processes/000000/settings.yaml").read_text())["parameters"]
    county = yaml.safe_load((ROOT / "processes/340722/settings.yaml").read_text())["parameters"]
    merged = {**national, **county}
    merged["application"] = {**national["application"], **county["application"],
                             "channels_by_group": {**national["application"]["channels_by_group"],
                                                   **county["application"]["channels_by_group"]}}
    return merged


def test_communities_and_townships_submit_the_5th_batch_and_the_county_agency_both_of_its_own():
    s = _zongyang()
    assert office_batch_groups(s, ["community"]) == {"community"}
    assert office_batch_groups(s, ["township"]) == {"community"}
    assert office_batch_groups(s, ["archive_agency"]) == {"county_agency", "agency"}


def test_departments_that_accept_nothing_submit_no_batch():
    s = _zongyang()
    assert office_batch_groups(s, ["medical_insurance", "housing_fund", "hrss"]) == set()


def test_report_months_run_across_the_new_year_and_last_month_is_the_batch_month():
    from datetime import date

    assert month_range("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert previous_month(date(2027, 1, 3)) == "2026-12"
