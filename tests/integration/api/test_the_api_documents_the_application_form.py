"""/api/docs shows the application's data as the deployed form defines it — fields, types, choices, required — with
an example the server accepts, instead of a bare object (``additionalProp1``)."""
from __future__ import annotations

from engine.forms import defaults_of, validate_submission


def _data_schema(client):
    spec = client.get("/api/openapi.json").json
    return spec["components"]["schemas"]["ApplicationIn"]


def test_the_application_data_is_documented_field_by_field_from_the_form(client):
    data = _data_schema(client)["properties"]["data"]
    assert data["properties"]["id_number"]["minLength"] == 18 and data["properties"]["name"]["title"] == "姓名"
    assert data["properties"]["retirement_type"]["enum"] == ["normal", "special_work", "illness", "resignation"]
    assert data["properties"]["requested_items"]["type"] == "array"
    assert data["properties"]["consent"]["type"] == "boolean"
    assert set(data["required"]) == {"name", "id_number", "phone", "bank_card", "consent"}
    assert "channel" not in data["required"], "the account gives the channel"
    assert "枞阳县(340722)" in data["description"] and "吉林省(220000)" in data["description"]


def test_the_documented_example_passes_the_forms_own_checks(eng, client):
    example = _data_schema(client)["properties"]["data"]["example"]
    from engine import queries

    with eng.runtime.reading() as s:
        form = queries.form_for(eng.runtime, s, "application_form", "340722")
    clean = validate_submission(form, {**defaults_of(form), **example, "channel": "community"})
    assert clean["id_number"] == example["id_number"] and clean["consent"] is True
