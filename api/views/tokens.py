"""Log in: username + password → an expiring bearer token."""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from engine.store.models import User

from ..auth import issue_token, password_ok
from ..schemas import TokenRequest, TokenResponse
from .common import engine

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Tokens")


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(TokenRequest)
    @blp.response(200, TokenResponse)
    def post(self, body):
        """Exchange a username and password for a bearer token"""
        with engine().reading() as session:
            user = session.scalar(sa.select(User).where(User.username == body["username"], User.active.is_(True)))
        if user is None or not password_ok(user.password_hash, body["password"]):
            abort(401, message="wrong username or password")
        token, expires = issue_token(user)
        return {"token": token, "expires_at": expires, "user": user}
