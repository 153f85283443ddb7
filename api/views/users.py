"""Accounts (admin): list, create, change, disable and delete users with a role, department groups and a locality.

Disabling or deleting an account, or changing its password, role, locality or groups, ends its sessions at once
(its token generation is bumped, and every request checks the account anyway).
"""
from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine import queries, records
from engine.store.models import User

from ..auth import check_scope, current, hash_password, password_problem, require
from ..schemas import UserIn, UserOut, UserPatch
from .common import audit, engine

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Users")

SESSION_FIELDS = ("password", "role", "locality", "groups", "active")


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username, current_app.config["PASSWORD_MIN_LENGTH"])
    if problem:
        abort(422, message=problem, errors={"json": {"password": [problem]}})


def _account(session, eng, username: str) -> User:
    user = queries.user(session, username)
    if user is None or not eng.runtime.localities.in_scope(current().locality, user.locality):
        abort(404, message=f"没有这个用户 (no user {username} in your locality)")
    return user


@blp.route("")
class Users(MethodView):
    @require("admin")
    @blp.response(200, UserOut(many=True))
    def get(self):
        """Users in your locality"""
        eng = engine()
        with eng.runtime.reading() as session:
            return [u for u in queries.users(session)
                    if eng.runtime.localities.in_scope(current().locality, u.locality)]

    @require("admin")
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, body):
        """Create a user (the password needs 12 characters of three kinds, or a 16-character passphrase)"""
        eng = engine()
        eng.runtime.localities.require(body["locality"])
        check_scope(eng, body["locality"], "locality")
        _check_password(body["password"], body["username"])
        with eng.runtime.transaction() as session:
            if queries.user(session, body["username"]):
                abort(409, message=f"用户已存在 (user {body['username']} exists)")
            user = User(username=body["username"], display_name=body["display_name"],
                        password_hash=hash_password(body["password"]), role=body["role"], groups=body["groups"],
                        locality=body["locality"])
            records.add(session, user)
            audit(session, current().username, "create", "user", body["username"], role=body["role"],
                  locality=body["locality"])
        return user


@blp.route("/<username>")
class OneUser(MethodView):
    @require("admin")
    @blp.response(200, UserOut)
    def get(self, username):
        """One user"""
        eng = engine()
        with eng.runtime.reading() as session:
            return _account(session, eng, username)

    @require("admin")
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    def patch(self, body, username):
        """Change a user; a new password, role, locality, groups or active=false ends their sessions at once"""
        eng = engine()
        if "locality" in body:
            eng.runtime.localities.require(body["locality"])
            check_scope(eng, body["locality"], "locality")
        if "password" in body:
            _check_password(body["password"], username)
        if username == current().username and (body.get("active") is False or body.get("role", "admin") != "admin"):
            abort(409, message="不能停用自己的账户或取消自己的管理员角色 (you may not disable yourself or drop your "
                               "own admin role)")
        with eng.runtime.transaction() as session:
            user = _account(session, eng, username)
            for field in ("display_name", "role", "locality", "groups", "active"):
                if field in body:
                    setattr(user, field, body[field])
            if "password" in body:
                user.password_hash = hash_password(body["password"])
            if any(f in body for f in SESSION_FIELDS):
                user.token_generation = (user.token_generation or 0) + 1
            audit(session, current().username, "update", "user", username, fields=sorted(body))
        return user

    @require("admin")
    @blp.response(204)
    def delete(self, username):
        """Delete a user; their tokens stop working at once"""
        eng = engine()
        if username == current().username:
            abort(409, message="不能删除自己的账户 (you may not delete your own account)")
        with eng.runtime.transaction() as session:
            records.delete(session, _account(session, eng, username))
            audit(session, current().username, "delete", "user", username)
