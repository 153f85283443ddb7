"""The operator's console: the dashboard of a locality subtree, and a case's diagram state."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from engine import console_queries

from ..auth import current, require
from ..console_schemas import CaseDiagram, Dashboard
from .common import engine
from .instances import _load
from .scope import path_prefix

blp = Blueprint("console", __name__, url_prefix="/api", description="Operator's console")


@blp.route("/console/dashboard")
class ConsoleDashboard(MethodView):
    @require("admin", "auditor")
    @blp.response(200, Dashboard)
    def get(self):
        """Running cases per locality and process, overdue tasks per department, open incidents, the job queue and
        each worker's last heartbeat, in your locality's subtree"""
        eng = engine()
        names = console_queries.department_names(eng.runtime.localities.settings(current().locality))
        with eng.runtime.reading() as session:
            return console_queries.dashboard(session, path_prefix(), eng.runtime.now(), names)


@blp.route("/instances/<instance_id>/diagram")
class InstanceDiagram(MethodView):
    @require("admin", "auditor")
    @blp.response(200, CaseDiagram)
    @blp.alt_response(404, description="no such case in your locality's subtree")
    def get(self, instance_id):
        """The BPMN of the version the case runs, the elements it waits in, the path it took and the failed
        element, for the case's process and each called process it entered"""
        eng = engine()
        with eng.runtime.reading() as session:
            row = _load(session, instance_id)
            return console_queries.diagram(eng.runtime, session, row)
