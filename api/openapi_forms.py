"""POST /api/applications documents its ``data`` from the application forms in force: one schema when every
locality that runs the retirement uses the same form, one per form otherwise (anyOf, titled with the localities)."""
from __future__ import annotations

import json
import logging

from engine import queries
from engine.form_schema import data_schema

log = logging.getLogger("retire.api")
COMPONENT = "ApplicationIn"


def forms_in_force(engine) -> list[tuple[list[str], dict]]:
    """[(locality codes, form)] for the localities with their own retirement process, one entry per distinct form."""
    found: dict[str, tuple[list[str], dict]] = {}
    with engine.runtime.reading() as session:
        seq = engine.runtime.definitions.latest_seq(session)
        for code in sorted(engine.runtime.localities.all()):
            if engine.runtime.definitions.resolve(session, "bpmn", "retirement", code, seq) is None:
                continue
            form = queries.form_for(engine.runtime, session, "application_form", code)
            if form is not None:
                found.setdefault(json.dumps(form, sort_keys=True), ([], form))[0].append(code)
    return list(found.values())


def document_application_data(api, engine) -> None:
    schema = api.spec.components.schemas.get(COMPONENT)
    if schema is None:
        return
    try:
        forms = forms_in_force(engine)
    except Exception:  # noqa: BLE001 — a database not yet migrated: the generic description stays
        log.warning("the application forms could not be read for the API documentation", exc_info=True)
        return
    if not forms:
        return

    def where(codes):
        return "、".join(f"{engine.runtime.localities.require(c).name}({c})" for c in codes)

    parts = [data_schema(form, title=f"申请表 — {where(codes)}") for codes, form in forms]
    data = parts[0] if len(parts) == 1 else {"anyOf": parts, "example": parts[0]["example"]}
    data["description"] = ("申请表的填报内容，字段、类型、选项和必填项来自该地区部署的申请表（form-js）；"
                           "渠道由账户决定 "
                           "(the application form's data: fields, types, choices and required fields come from the form "
                           f"deployed for the locality; the channel comes from the account). Localities: "
                           f"{'; '.join(where(codes) for codes, _f in forms)}")
    schema["properties"]["data"] = data
    schema["example"] = {"locality": forms[0][0][0], "process": "retirement", "data": parts[0]["example"]}
