"""Failed jobs after their last attempt, and the operator's retry."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from engine import queries
from ..auth import current, require
from ..schemas import JobList, JobOut, SeekArgs
from .common import audit, engine
from .scope import found_in_scope, path_prefix

blp = Blueprint("incidents", __name__, url_prefix="/api/incidents", description="Incidents")


@blp.route("")
class Incidents(MethodView):
    @require("admin", "auditor")
    @blp.arguments(SeekArgs, location="query")
    @blp.response(200, JobList)
    def get(self, args):
        """Jobs that failed their last attempt in your locality's subtree, newest first"""
        with engine().reading() as session:
            got = queries.seek_page(session, queries.incidents(session, path_prefix()), queries.INCIDENT_ORDER,
                                    size=args["page_size"], page_no=args["page"], after=args.get("after"))
            rows = got.pop("rows")
            return {**got, "items": rows}


@blp.route("/<int:job_id>/retry")
class Retry(MethodView):
    @require("admin")
    @blp.response(200, JobOut)
    @blp.alt_response(404, description="no such incident in your locality's subtree")
    def post(self, job_id):
        """Run the failed job again with a fresh set of attempts"""
        eng = engine()
        with eng.reading() as session:
            job = queries.job(session, job_id)
            found_in_scope(job, job.locality if job else None, "incident", job_id)
        eng.retry_incident(job_id, current().username)
        with eng.transaction() as session:
            audit(session, current().username, "retry", "incident", job_id)
        with eng.reading() as session:
            return queries.job(session, job_id)
