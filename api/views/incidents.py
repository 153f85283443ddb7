"""Failed jobs after their last attempt, and the operator's retry."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine import queries
from engine.store.models import Job

from ..auth import check_scope, current, require
from ..schemas import JobList, JobOut, PageArgs
from .common import engine

blp = Blueprint("incidents", __name__, url_prefix="/api/incidents", description="Incidents")


@blp.route("")
class Incidents(MethodView):
    @require("admin", "auditor")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, JobList)
    def get(self, args):
        """Jobs that failed their last attempt, newest first"""
        with engine().reading() as session:
            rows, total = queries.page(session, queries.incidents(session, current().scope_like), args["page"],
                                       args["page_size"])
            return {"items": rows, "total": total}


@blp.route("/<int:job_id>/retry")
class Retry(MethodView):
    @require("admin")
    @blp.response(200, JobOut)
    def post(self, job_id):
        """Run the failed job again with a fresh set of attempts"""
        eng = engine()
        with eng.reading() as session:
            job = session.get(Job, job_id)
            if job is None:
                abort(404, message=f"no incident {job_id}")
            check_scope(eng, job.locality, "incident")
        eng.retry_incident(job_id, current().username)
        with eng.reading() as session:
            return session.get(Job, job_id)
