"""Request and response schemas (marshmallow); the OpenAPI document is generated from them."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.validation import DEPARTMENTS

from .auth import ROLES


class Ordered(Schema):
    class Meta:
        ordered = True


ID_MAX = 2**31 - 1   # the largest id an INTEGER column holds (int4 on PostgreSQL); beyond it is refused before a query
MAX_PAGE = 100_000      # page × page_size stays far inside a 64-bit offset


def in_range(low: int, high: int) -> validate.Range:
    return validate.Range(min=low, max=high, error=f"须在 {low} 到 {high} 之间 (must be between {low} and {high})")


def Id(**kwargs) -> fields.Integer:  # noqa: N802 - a field factory, read like a field class
    """A database id in a request: a whole number 1 … 2⁶³−1 (422 naming the field otherwise)."""
    return fields.Integer(strict=False, validate=in_range(1, ID_MAX), **kwargs)


def Page(**kwargs) -> fields.Integer:  # noqa: N802
    return fields.Integer(load_default=1, validate=in_range(1, MAX_PAGE), **kwargs)


def PageSize(default: int = 50, largest: int = 500) -> fields.Integer:  # noqa: N802
    return fields.Integer(load_default=default, validate=in_range(1, largest))


class PageArgs(Ordered):
    page = Page()
    page_size = PageSize()


class SeekArgs(PageArgs):
    after = fields.String(validate=validate.Length(min=1, max=400), metadata={
        "description": "the `next` cursor of the previous page: the page after it (keyset paging, as fast at row "
                       "1,000,000 as at row 1; `page` is then ignored)"})


def SeekPage(item_schema) -> dict:  # noqa: N802 - the fields every keyset-paged list answers with
    return {"items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(metadata={"description": "matching rows, counted up to 200 (or just past the "
                                                            "page asked for); see total_capped"}),
            "total_capped": fields.Boolean(metadata={"description": "true: there are more than `total` rows"}),
            "next": fields.String(allow_none=True, metadata={"description": "pass as `after` for the next page; "
                                                                           "null on the last page"})}


class TokenRequest(Ordered):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


def _locality_name(user) -> str | None:
    """The name of the account's locality (枞阳县, 吉林省 …), for the pages' header."""
    from engine.errors import NotFound

    from .views.common import engine

    code = user.get("locality") if isinstance(user, dict) else getattr(user, "locality", None)
    try:
        return engine().runtime.localities.require(code).name if code else None
    except NotFound:  # a locality removed since the account was made: the header shows the code
        return None


class UserOut(Ordered):
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    locality = fields.String()
    locality_name = fields.Function(_locality_name, metadata={"description": "the locality's name, e.g. 枞阳县"})
    groups = fields.List(fields.String())
    active = fields.Boolean()


class TokenResponse(Ordered):
    token = fields.String(metadata={"description": "access token for Authorization: Bearer (short-lived)"})
    expires_at = fields.DateTime()
    refresh_token = fields.String(metadata={"description": "give it to POST /api/auth/refresh for a new pair"})
    refresh_expires_at = fields.DateTime()
    user = fields.Nested(UserOut)


class RefreshRequest(Ordered):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class LocalityOut(Ordered):
    code = fields.String()
    name = fields.String()
    parent = fields.String(allow_none=True)
    level = fields.String()


class LocalityList(Ordered):
    items = fields.List(fields.Nested(LocalityOut))


class DefinitionArgs(PageArgs):
    locality = fields.String()
    key = fields.String()
    kind = fields.String(validate=validate.OneOf(["bpmn", "dmn", "form"]))
    effective = fields.Boolean(load_default=False)


class DefinitionOut(Ordered):
    id = fields.Integer()
    kind = fields.String()
    key = fields.String()
    name = fields.String()
    locality = fields.String()
    version = fields.Integer()
    file_name = fields.String()
    deployed_at = fields.DateTime()
    author = fields.String()
    note = fields.String()
    deployment_id = fields.Integer()
    retired = fields.Boolean()
    inherited = fields.Boolean()
    overridden = fields.Boolean()


class DefinitionDetail(DefinitionOut):
    content = fields.String()


class DefinitionList(Ordered):
    items = fields.List(fields.Nested(DefinitionOut))
    total = fields.Integer()


class FileIn(Ordered):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content = fields.String(required=True)


class DeployRequest(Ordered):
    locality = fields.String(required=True)
    note = fields.String(load_default="")
    files = fields.List(fields.Nested(FileIn), required=True, validate=validate.Length(min=1))


class Problem(Ordered):
    file = fields.String()
    element_id = fields.String(allow_none=True)
    message = fields.String()
    severity = fields.String()


class ValidateResponse(Ordered):
    valid = fields.Boolean()
    problems = fields.List(fields.Nested(Problem))


class DeployResponse(Ordered):
    deployment_id = fields.Integer(allow_none=True)
    deployed = fields.List(fields.Nested(DefinitionOut))
    unchanged = fields.List(fields.Nested(DefinitionOut))
    problems = fields.List(fields.Nested(Problem))


class StartRequest(Ordered):
    key = fields.String(required=True)
    locality = fields.String(required=True)
    business_key = fields.String(required=True, validate=validate.Length(min=1, max=120))
    variables = fields.Dict(load_default=dict)


class InstanceArgs(SeekArgs):
    business_key = fields.String()
    locality = fields.String()
    status = fields.String(validate=validate.OneOf(["running", "completed", "cancelled"]))
    key = fields.String()


class WaitingOut(Ordered):
    activity_id = fields.String()
    name = fields.String()
    type = fields.String()


class InstanceOut(Ordered):
    id = fields.String()
    process_key = fields.String()
    definition_id = fields.Integer()
    version = fields.Integer(attribute="definition_version")
    business_key = fields.String()
    locality = fields.String()
    status = fields.String()
    waiting_in = fields.List(fields.Nested(WaitingOut))
    started_at = fields.DateTime()
    updated_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    row_version = fields.Integer(attribute="version")


InstanceList = Ordered.from_dict(SeekPage(InstanceOut), name="InstanceList")


class TaskOut(Ordered):
    id = fields.String()
    instance_id = fields.String()
    process_key = fields.String()
    activity_id = fields.String()
    name = fields.String()
    business_key = fields.String()
    locality = fields.String()
    candidate_groups = fields.List(fields.String())
    form_ref = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    due_provisional = fields.Boolean(metadata={"description": "the due date came from the weekends-only fallback "
                                                              "calendar (no official holiday data for that year)"})
    overdue = fields.Boolean(metadata={"description": "open and past its due date (the engine's clock); list them "
                                                      "all with due_before=now"})
    assignee = fields.String(allow_none=True)
    status = fields.String()
    item = fields.String(allow_none=True)
    created_at = fields.DateTime()
    summary = fields.Dict()


TaskList = Ordered.from_dict(SeekPage(TaskOut), name="TaskList")


class TaskDetail(TaskOut):
    form = fields.Dict(allow_none=True)
    data = fields.Dict()


class JobOut(Ordered):
    id = fields.Integer()
    instance_id = fields.String(allow_none=True)
    kind = fields.String()
    topic = fields.String(allow_none=True)
    activity_id = fields.String()
    activity_name = fields.String()
    locality = fields.String()
    due_at = fields.DateTime()
    status = fields.String()
    attempts = fields.Integer()
    max_attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class HistoryOut(Ordered):
    at = fields.DateTime()
    kind = fields.String()
    activity_id = fields.String(allow_none=True)
    activity_name = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    details = fields.Dict()


class InstanceDetail(InstanceOut):
    tasks = fields.List(fields.Nested(TaskOut))
    jobs = fields.List(fields.Nested(JobOut))
    messages = fields.List(fields.String())
    history = fields.List(fields.Nested(HistoryOut))
    variables = fields.Dict()


class CancelRequest(Ordered):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class TaskArgs(SeekArgs):
    group = fields.String(validate=validate.OneOf(DEPARTMENTS))
    assignee = fields.String()
    locality = fields.String()
    process = fields.String()
    business_key = fields.String()
    due_before = fields.DateTime()


class CompleteRequest(Ordered):
    data = fields.Dict(load_default=dict)


class MessageRequest(Ordered):
    name = fields.String(required=True)
    business_key = fields.String(required=True)
    locality = fields.String()
    payload = fields.Dict(load_default=dict)


class MessageResponse(Ordered):
    delivered_to = fields.List(fields.String())


JobList = Ordered.from_dict(SeekPage(JobOut), name="JobList")


class UserIn(Ordered):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    locality = fields.String(required=True)
    groups = fields.List(fields.String(validate=validate.OneOf(DEPARTMENTS)), load_default=list)
    display_name = fields.String(load_default="")


class UserPatch(Ordered):
    """Only the fields given change; any change but the display name ends the account's sessions."""
    display_name = fields.String()
    password = fields.String(load_only=True, validate=validate.Length(min=1, max=200))
    role = fields.String(validate=validate.OneOf(ROLES))
    locality = fields.String()
    groups = fields.List(fields.String(validate=validate.OneOf(DEPARTMENTS)))
    active = fields.Boolean()


# ---- response bodies of operations that had none published (they were checked against the error shape) ----
_TIME = {"format": "date-time"}


class HealthOut(Ordered):
    status = fields.String(metadata={"description": "ok; stale (a worker beat, but not within three heartbeat "
                                                    "intervals) or absent (no worker ever beat), still 200 since the "
                                                    "API answers; error when the database cannot be reached (503)"})
    database = fields.String()
    worker = fields.String(metadata={"description": "ok when a worker beat within the last three heartbeat "
                                                    "intervals (30 s), stale when its last beat is older, absent "
                                                    "when no worker ever beat"})
    worker_heartbeat_age_seconds = fields.Float(allow_none=True)


class DraftOut(Ordered):
    id = fields.Integer()
    locality = fields.String()
    file_name = fields.String()
    kind = fields.String()
    author = fields.String()
    updated_at = fields.String(metadata=_TIME)
    content = fields.String()


class DraftList(Ordered):
    items = fields.List(fields.Nested(DraftOut))


class DiffElement(Ordered):
    id = fields.String()
    type = fields.String()
    name = fields.String()


class DiffChanged(DiffElement):
    changes = fields.List(fields.String())


class DefinitionDiff(Ordered):
    from_ = fields.Nested(DefinitionOut, data_key="from")
    to = fields.Nested(DefinitionOut)
    added = fields.List(fields.Nested(DiffElement))
    removed = fields.List(fields.Nested(DiffElement))
    changed = fields.List(fields.Nested(DiffChanged))




class CompletionItem(Ordered):
    item = fields.String()
    name = fields.String()
    completed = fields.Integer()


class CompletionDepartment(Ordered):
    department = fields.String()
    name = fields.String(metadata={"description": "the department's Chinese name (settings: departments)"})
    completed = fields.Integer()
    items = fields.List(fields.Nested(CompletionItem))


class CompletionRow(Ordered):
    department = fields.String()
    department_name = fields.String()
    item = fields.String()
    item_name = fields.String()
    locality = fields.String()
    locality_name = fields.String()
    completed = fields.Integer()


class CompletionReport(Ordered):
    locality = fields.String()
    from_ = fields.String(data_key="from", metadata={"format": "date"})
    to = fields.String(metadata={"format": "date"})
    total = fields.Integer()
    departments = fields.List(fields.Nested(CompletionDepartment))
    rows = fields.List(fields.Nested(CompletionRow))


class UpcomingPerson(Ordered):
    id_number = fields.String(metadata={"description": "masked"})
    name = fields.String(metadata={"description": "masked"})
    phone = fields.String(allow_none=True, metadata={"description": "masked"})
    locality = fields.String()
    category = fields.String()
    retirement_month = fields.String()


class UpcomingReport(Ordered):
    locality = fields.String()
    quarter = fields.String()
    total = fields.Integer()
    items = fields.List(fields.Nested(UpcomingPerson))


class RejectedRow(Ordered):
    row = fields.Integer()
    reason = fields.String()


class ImportReport(Ordered):
    accepted = fields.Integer()
    rejected = fields.List(fields.Nested(RejectedRow))
    inserted = fields.Integer(allow_none=True)
    updated = fields.Integer(allow_none=True)
    rejected_total = fields.Integer(metadata={"description": "all rejected rows; `rejected` keeps the first 1,000"})
    flagged_phones = fields.List(fields.Integer(), metadata={"description": "row numbers kept with an implausible phone"})


class DecisionOut(Ordered):
    decision = fields.String()
    locality = fields.String()
    definition_id = fields.Integer()
    defined_at = fields.String(metadata={"description": "the locality whose table is in force"})
    version = fields.Integer()
    outputs = fields.Raw(metadata={"description": "an object (single hit, aggregation) or a list of objects"})
    matched_rules = fields.List(fields.Integer())
    matched_rule_ids = fields.List(fields.String())


