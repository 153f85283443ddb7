"""Failed jobs after their last attempt, and the operator's retry."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine import console_queries, queries
from engine.errors import NotFound

from ..auth import current, require
from ..console_schemas import IncidentList, RetryMany, RetryReport
from ..schemas import JobOut, SeekArgs
from .common import audit, engine
from .scope import found_in_scope, path_prefix

blp = Blueprint("incidents", __name__, url_prefix="/api/incidents", description="Incidents")


@blp.route("")
class Incidents(MethodView):
    @require("admin", "auditor")
    @blp.arguments(SeekArgs, location="query")
    @blp.response(200, IncidentList)
    def get(self, args):
        """Jobs that failed their last attempt in your locality's subtree, newest first, with the error and the
        stack's last lines"""
        with engine().runtime.reading() as session:
            got = queries.seek_page(session, queries.incidents(session, path_prefix()), queries.INCIDENT_ORDER,
                                    size=args["page_size"], page_no=args["page"], after=args.get("after"))
            rows = got.pop("rows")
            return {**got, "items": [console_queries.incident_out(session, r) for r in rows]}


@blp.route("/retry")
class RetryMany_(MethodView):
    @require("admin")
    @blp.arguments(RetryMany)
    @blp.response(200, RetryReport)
    @blp.alt_response(404, description="an id is no incident in your locality's subtree (nothing is retried)")
    def post(self, body):
        """Retry several incidents at once; the report says per id whether it ran again"""
        eng = engine()
        ids = list(dict.fromkeys(body["job_ids"]))
        with eng.runtime.reading() as session:
            unknown = [i for i in ids if not _in_scope(queries.job(session, i))]
        if unknown:
            abort(404, message="没有这些事件：no incident with these ids in your locality; nothing was retried",
                  errors={"json": {"job_ids": [f"{i}: 没有这个事件 (no such incident)" for i in unknown]}})
        results = []
        for job_id in ids:
            try:
                eng.retry_incident(job_id, current().username)
            except NotFound:
                results.append({"job_id": job_id, "outcome": "not_open",
                                "message": "已不是事件：it is no longer an open incident"})
                continue
            with eng.runtime.transaction() as session:
                audit(session, current().username, "retry", "incident", job_id)
            results.append({"job_id": job_id, "outcome": "retried", "message": None})
        return {"results": results, "retried": sum(r["outcome"] == "retried" for r in results)}


def _in_scope(job) -> bool:
    from .scope import in_subtree
    return job is not None and in_subtree(job.locality)


@blp.route("/<int:job_id>/retry")
class Retry(MethodView):
    @require("admin")
    @blp.response(200, JobOut)
    @blp.alt_response(404, description="no such incident in your locality's subtree")
    def post(self, job_id):
        """Run the failed job again with a fresh set of attempts"""
        eng = engine()
        with eng.runtime.reading() as session:
            job = queries.job(session, job_id)
            found_in_scope(job, job.locality if job else None, "incident", job_id)
        eng.retry_incident(job_id, current().username)
        with eng.runtime.transaction() as session:
            audit(session, current().username, "retry", "incident", job_id)
        with eng.runtime.reading() as session:
            return queries.job(session, job_id)
