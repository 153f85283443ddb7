"""Human tasks: the clerk's inbox, claim, complete with form data."""
from __future__ import annotations

from datetime import timezone

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine import queries
from handlers.personal import masked

from ..auth import READING, TRANSACTION, current, request_session, require
from ..schemas import CompleteRequest, InstanceDetail, TaskArgs, TaskDetail, TaskList
from .common import audit, engine
from .instances import detail_out
from .scope import found_in_scope, leaf_locality, locality_allowed, path_prefix

blp = Blueprint("tasks", __name__, url_prefix="/api/tasks", description="Human tasks")


def task_out(t, summary: dict | None = None) -> dict:
    out = {c: getattr(t, c) for c in ("id", "instance_id", "process_key", "activity_id", "name", "business_key",
                                      "locality", "candidate_groups", "form_ref", "due_at", "due_provisional", "assignee", "status",
                                      "item", "created_at")}
    due = t.due_at
    if due is not None and due.tzinfo is None:  # SQLite hands back naive UTC
        due = due.replace(tzinfo=timezone.utc)
    out["overdue"] = t.status == "open" and due is not None and due < engine().runtime.now()
    if summary is not None:
        out["summary"] = summary
    return out


def _visible(t) -> bool:
    p = current()
    if p.role == "clerk" and not set(p.groups) & set(t.candidate_groups or []):
        return False
    return True


def _load_task(session, task_id):
    """The task's row (read-only, its columns by attribute) when the caller may see it; 404 / 403 otherwise."""
    t = queries.task(session, task_id)
    found_in_scope(t, t.locality if t else None, "task", task_id)  # another subtree's task: 404, as unknown
    if not _visible(t):
        abort(403, message="this task belongs to another department's group")
    return t


def _assign(task_id, change):
    """Check the caller may see the task, change its assignment, return it."""
    eng = engine()
    with eng.runtime.reading() as session:
        _load_task(session, task_id)
    change(eng)
    with eng.runtime.reading() as session:
        return task_out(queries.task(session, task_id))


@blp.route("")
class Tasks(MethodView):
    @require("admin", "clerk", "auditor", session=READING)
    @blp.arguments(TaskArgs(), location="query")  # one instance: not built per request
    @blp.response(200, TaskList)
    def get(self, args):
        """Open human tasks you may see; filter by group, assignee (me), locality, process, due_before"""
        p = current()
        groups = None
        if p.role == "clerk":
            groups = [args["group"]] if args.get("group") else list(p.groups)
            if args.get("group") and args["group"] not in p.groups:
                abort(403, message=f"you are not in the group {args['group']}")
        elif args.get("group"):
            groups = [args["group"]]
        assignee = p.username if args.get("assignee") == "me" else args.get("assignee")
        if args.get("locality"):
            locality_allowed(args["locality"])
        got = queries.task_page(request_session(), path_prefix(args.get("locality")), groups=groups, assignee=assignee,
                                process=args.get("process"), due_before=args.get("due_before"),
                                business_key=args.get("business_key"), leaf=leaf_locality(args.get("locality")),
                                size=args["page_size"], page_no=args["page"], after=args.get("after"))
        rows = got.pop("rows")
        return {**got, "items": [task_out(t, masked(t.summary)) for t in rows]}


@blp.route("/<task_id>")
class TaskById(MethodView):
    @require("admin", "clerk", "auditor", session=TRANSACTION)
    @blp.response(200, TaskDetail)
    def get(self, task_id):
        """One task with its form definition and current data"""
        eng, session = engine(), request_session()
        t = _load_task(session, task_id)
        out = task_out(t)
        out["form"] = queries.form_for(eng.runtime, session, t.form_ref, t.locality)
        data = queries.task_data(eng.runtime, session, t)
        if current().role == "auditor":  # auditors check who read what; they need no personal data
            out["data"] = masked(data)
        else:  # the department's clerk works the task with its data whole: an audited read
            out["data"] = data
            audit(session, current().username, "read", "task", task_id, locality=t.locality,
                  instance_id=t.instance_id)   # what audit would read back for the task
        return out


@blp.route("/<task_id>/claim")
class Claim(MethodView):
    @require("admin", "clerk")
    @blp.response(200, TaskDetail)
    def post(self, task_id):
        """Claim the task for yourself; 409 when someone else holds it"""
        return _assign(task_id, lambda eng: eng.claim(task_id, current().username))


@blp.route("/<task_id>/unclaim")
class Unclaim(MethodView):
    @require("admin", "clerk")
    @blp.response(200, TaskDetail)
    def post(self, task_id):
        """Give the task back to the group"""
        return _assign(task_id, lambda eng: eng.unclaim(task_id, current().username,
                                                        force=current().role == "admin"))


@blp.route("/<task_id>/complete")
class Complete(MethodView):
    @require("admin", "clerk", session=READING)
    @blp.arguments(CompleteRequest())
    @blp.response(200, InstanceDetail)
    @blp.alt_response(409, description="the task is no longer open, or claimed by someone else")
    @blp.alt_response(422, description="form data that fails the form's validation")
    def post(self, body, task_id):
        """Complete the task with form data → the instance's new state"""
        eng, session = engine(), request_session()
        _load_task(session, task_id)
        session.close()   # its connection goes back before the command takes one
        instance_id = eng.complete_task(task_id, body["data"], current().username, validate=True)
        with eng.runtime.reading() as session:
            return detail_out(session, queries.instance(session, instance_id), whole=False)
