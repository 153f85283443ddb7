"""Accounts (admin): list and create users with a role, department groups and a locality."""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine.store.models import User

from ..auth import check_scope, current, hash_password, require
from ..schemas import UserIn, UserOut
from .common import engine

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Users")


@blp.route("")
class Users(MethodView):
    @require("admin")
    @blp.response(200, UserOut(many=True))
    def get(self):
        """Users in your locality"""
        eng = engine()
        with eng.reading() as session:
            return [u for u in session.scalars(sa.select(User).order_by(User.username))
                    if eng.in_scope(current().locality, u.locality)]

    @require("admin")
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, body):
        """Create a user"""
        eng = engine()
        eng.locality(body["locality"])
        check_scope(eng, body["locality"], "locality")
        with eng.transaction() as session:
            if session.scalar(sa.select(User).where(User.username == body["username"])):
                abort(409, message=f"user {body['username']} exists")
            user = User(username=body["username"], display_name=body["display_name"],
                        password_hash=hash_password(body["password"]), role=body["role"], groups=body["groups"],
                        locality=body["locality"])
            session.add(user)
        return user
