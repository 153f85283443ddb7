"""The locality tree."""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint

from engine.store.models import Locality

from ..auth import require
from ..schemas import LocalityList
from .common import engine

blp = Blueprint("localities", __name__, url_prefix="/api/localities", description="Localities")


@blp.route("")
class Localities(MethodView):
    @require()
    @blp.response(200, LocalityList)
    def get(self):
        """The locality tree (flat, each with its parent), national first"""
        with engine().reading() as session:
            rows = session.scalars(sa.select(Locality).order_by(Locality.path)).all()
        return {"items": rows}
