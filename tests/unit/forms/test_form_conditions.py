"""form-js conditions on the server: a field its `conditional.hide` hides is neither required nor kept (as form-js
submits it), and a condition that is not FEEL is refused at deploy with the component's id."""
from __future__ import annotations

import json

import pytest

from engine.definitions import DefinitionFile
from engine.errors import InvalidInput
from engine.forms import validate_submission
from engine.validation import _check_form

FORM = {"id": "f", "type": "default", "components": [
    {"type": "radio", "key": "employer_decision", "id": "Field_decision", "validate": {"required": True},
     "values": [{"label": "同意", "value": "agree"}, {"label": "不同意", "value": "disagree"}]},
    {"type": "datetime", "subtype": "date", "key": "agreement_date", "label": "协议日期", "id": "Field_date",
     "validate": {"required": True}, "conditional": {"hide": '=employer_decision != "agree"'}},
]}


def test_a_required_field_its_condition_hides_is_not_asked_for_and_not_kept():
    assert validate_submission(FORM, {"employer_decision": "disagree", "agreement_date": "2027-01-01"}) == \
        {"employer_decision": "disagree"}


def test_the_same_field_shown_is_required():
    with pytest.raises(InvalidInput) as caught:
        validate_submission(FORM, {"employer_decision": "agree"})
    assert list(caught.value.errors) == ["agreement_date"]


def test_a_condition_over_a_field_nobody_filled_reads_it_as_null():
    with pytest.raises(InvalidInput) as caught:
        validate_submission(FORM, {})
    assert set(caught.value.errors) == {"employer_decision"}, "null != \"agree\" hides the date"


def test_the_application_form_drops_the_requested_month_for_a_statutory_retirement():
    from pathlib import Path
    form = json.loads((Path(__file__).resolve().parents[3] / "forms" / "000000" / "application_form.json").read_text())
    from datetime import date

    from handlers.personal import make_id_number
    data = {"name": "王建国", "id_number": make_id_number("340722", date(1966, 12, 4), 11), "phone": "13912345678", "channel": "online",
            "retirement_type": "normal", "bank_card": "6217001234567890123", "consent": True,
            "retirement_choice": "statutory", "requested_retirement_month": "2027-01"}
    assert "requested_retirement_month" not in validate_submission(form, data)
    data["retirement_choice"] = "early"
    assert validate_submission(form, data)["requested_retirement_month"] == "2027-01"


def test_a_condition_that_is_not_feel_is_refused_at_deploy_with_the_component():
    broken = json.loads(json.dumps(FORM))
    broken["components"][1]["conditional"]["hide"] = "=employer_decision != != 1"
    (problem,) = _check_form(DefinitionFile("f.json", json.dumps(broken)))
    assert problem["element_id"] == "Field_date"
    assert "not a FEEL expression" in problem["message"]
