"""Liveness: the database answers, and how long ago a worker last beat."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from engine import queries
from engine.console_queries import worker_state

from ..schemas import HealthOut
from .common import engine

blp = Blueprint("health", __name__, url_prefix="/api", description="Liveness")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthOut)
    @blp.alt_response(503, schema=HealthOut, description="the database cannot be reached")
    def get(self):
        """Database reachable, worker heartbeat age"""
        eng = engine()
        try:
            with eng.runtime.reading() as session:
                beat = queries.latest_heartbeat(session)
        except Exception as exc:  # the whole point of a health check is to say so
            return {"status": "error", "database": f"unreachable: {type(exc).__name__}"}, 503
        age = max(0.0, (eng.runtime.clock.now() - beat).total_seconds()) if beat else None
        worker = worker_state(age)
        # the API still answers (200): a stale worker is said, so a probe that restarts the server does not
        return {"status": worker, "database": "ok",
                "worker_heartbeat_age_seconds": age, "worker": worker}
