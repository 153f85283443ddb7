"""A form stored before the deploy checks existed (a broken pattern, a rule of the wrong type) still never breaks the
completion of its task: the field is reported as a 422 field error, not a server error."""
from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.forms import validate_submission


def _form(**rules):
    return {"id": "legacy", "components": [{"key": "code", "type": "textfield", "validate": rules}]}


@pytest.mark.parametrize("rules", [{"pattern": "("}, {"pattern": r"(a)\1"}, {"minLength": "three"},
                                   {"maxLength": [1]}])
def test_an_unusable_rule_of_a_legacy_form_is_a_field_error(rules):
    with pytest.raises(InvalidInput) as caught:
        validate_submission(_form(**rules), {"code": "abc"})
    assert "code" in caught.value.errors


def test_a_pattern_matches_the_whole_value_as_before():
    assert validate_submission(_form(pattern=r"\d{6}"), {"code": "340722"}) == {"code": "340722"}
    with pytest.raises(InvalidInput):
        validate_submission(_form(pattern=r"\d{6}"), {"code": "3407221"})


def test_form_js_email_and_phone_validation_types_are_enforced_on_the_server():
    form = {"id": "contact", "components": [
        {"key": "mail", "type": "textfield", "validate": {"validationType": "email"}},
        {"key": "mobile", "type": "textfield", "validate": {"validationType": "phone"}}]}
    with pytest.raises(InvalidInput) as caught:
        validate_submission(form, {"mail": "not-an-address", "mobile": "12345"})
    assert set(caught.value.errors) == {"mail", "mobile"}
    assert validate_submission(form, {"mail": "wang@example.cn", "mobile": "13912345678"})["mail"] == "wang@example.cn"
