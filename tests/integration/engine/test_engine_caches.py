"""What the engine caches to stay fast must never leak between callers or outlive a deploy."""
from __future__ import annotations


def test_locality_settings_are_a_fresh_copy_for_each_caller(eng):
    first = eng.settings("340722")
    first["sms"] = {"templates": {}}
    first.setdefault("items", []).clear()
    again = eng.settings("340722")
    assert again != first
    assert again["items"], "the cached settings were changed through a caller's copy"
    assert eng.item_catalog("340722")


def test_locality_settings_follow_a_change_of_the_localities_table(eng):
    from engine.store.models import Locality

    assert "probe_parameter" not in eng.settings("340722")
    with eng.transaction() as session:
        row = session.get(Locality, "340722")
        row.settings = {**row.settings, "probe_parameter": {"value": 1}}
    eng.forget_localities()  # what a deploy does after writing the table
    assert eng.settings("340722")["probe_parameter"] == {"value": 1}
    assert eng.settings("340700").get("probe_parameter") is None
