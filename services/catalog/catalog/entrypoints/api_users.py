"""Who may sign in to the web service, asked by the web service as the office: catalog
keeps the users (e-mail, password hash, role, firm, language), counts the sign-in tries
and keeps the open web sessions; the web service keeps only the signed cookie.

- ``POST /sign-ins``: an e-mail, a password and the address it came from; the try is
  counted before the password is checked (``service_layer/sign_in.py``), a 429 with the
  seconds to wait once over the limit (nothing counted); 200 with no user for a wrong
  e-mail or password or a firm that may not sign in (the try stays counted), else 201
  with the user and a new session id.
- ``POST /web-sessions/user``: the user of an open session (404 once it is closed, has
  expired, or its firm was deactivated); ``POST /web-sessions/close`` closes one. The
  session id goes in the body, never in a URL a log line would keep.
- ``GET``/``POST /users``: the sign-ins there are (with whether each is active and the
  day it was made), a new one; ``PUT /users/<id>/language``; ``PUT /users/<id>/active``
  deactivates a user (it cannot sign in, its sessions end, calls made for it are
  refused) or makes it active again.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.adapters.orm import User
from catalog.domain.model import MAX_PASSWORD_LENGTH
from catalog.entrypoints.work import request_work
from catalog.service_layer import commands, sign_in, users
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import ROLES, authenticate, may_sign_in
from shared.auth import require
from shared.db import transaction
from shared.fields import VisibleText
from shared.request_input import ApiError, load_body
from shared.web import MAX_ID, current_runtime, request_transaction

users_api = Blueprint("catalog_users_api", __name__, url_prefix="/api/v1")
LANGUAGES = ("de", "en")


class UserOut(Schema):
    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    member_id = fields.Integer(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    language = fields.String()
    active = fields.Boolean()
    created = fields.Function(lambda user: user.created_at.date().isoformat())


class SignInIn(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=MAX_PASSWORD_LENGTH))
    address = fields.String(load_default="", validate=validate.Length(max=64))


class SignInOut(Schema):
    user = fields.Nested(UserOut, allow_none=True)
    session_id = fields.String(allow_none=True)


class SessionIn(Schema):
    session_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    user_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ID))


class CloseIn(Schema):
    session_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class UserIn(Schema):
    email = VisibleText(254, required=True, also=validate.Email())
    password = fields.String(required=True, validate=validate.Length(max=MAX_PASSWORD_LENGTH))
    role = fields.String(load_default="member", validate=validate.OneOf(ROLES))
    member_id = fields.Integer(load_default=None, strict=True, validate=validate.Range(1, MAX_ID))
    supplier_id = fields.Integer(load_default=None, strict=True, validate=validate.Range(1, MAX_ID))
    language = fields.String(load_default="de", validate=validate.OneOf(LANGUAGES))


class LanguageIn(Schema):
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class ActiveIn(Schema):
    active = fields.Boolean(required=True, truthy={True}, falsy={False})  # JSON true, false


@users_api.post("/sign-ins")
@require("admin")
def sign_in_user() -> ResponseReturnValue:
    body = load_body(SignInIn())
    email, address, sessions = body["email"], body["address"], current_runtime().sessions
    with transaction(sessions) as db:  # committed before the check: every worker sees it
        wait = sign_in.count_try(commands.CountTry(email, address), _unit_of_work(db))
    if wait:
        error = ApiError(429, "Too many failed sign-ins.", {"retry_after": [str(wait)]})
        return (
            jsonify(error=error.description, details=error.details),
            429,
            {"Retry-After": str(wait)},
        )
    with transaction(sessions) as db:
        user = authenticate(db, email, body["password"])
        found = UserOut().dump(user) if user is not None and may_sign_in(db, user) else None
    if found is None:  # the try stays counted: an answer, not a refusal
        return jsonify(user=None, session_id=None), 200
    with transaction(sessions) as db:
        uow = _unit_of_work(db)
        sign_in.forget_tries(commands.ForgetTries(email, address), uow)
        session_id = sign_in.open_session(commands.OpenSession(found["id"]), uow)
    return jsonify(user=found, session_id=session_id), 201


def _unit_of_work(session: Session) -> SqlAlchemyUnitOfWork:
    """A unit of work on a transaction of the sign-in's own (each is committed alone)."""
    return SqlAlchemyUnitOfWork(session, current_runtime().outbox)


@users_api.post("/web-sessions/user")
@require("admin")
def session_user() -> ResponseReturnValue:
    body = load_body(SessionIn())
    with transaction(current_runtime().reads) as db:  # every page asks: it waits for no writer
        user = sign_in.signed_in_user(db, body["session_id"], body["user_id"])
        if user is None or not may_sign_in(db, user):
            raise ApiError(404, "No such open session.")
        return jsonify(UserOut().dump(user))


@users_api.post("/web-sessions/close")
@require("admin")
def close_session() -> ResponseReturnValue:
    body = load_body(CloseIn())
    with request_work() as uow:
        sign_in.close_session(commands.CloseSession(body["session_id"]), uow)
    return jsonify({})


@users_api.get("/users")
@require("admin")
def list_users() -> ResponseReturnValue:
    with request_transaction() as db:
        return jsonify(UserOut(many=True).dump(db.scalars(select(User).order_by(User.email))))


@users_api.post("/users")
@require("admin")
def add_user() -> ResponseReturnValue:
    body = load_body(UserIn())
    with request_work() as uow:
        return jsonify(UserOut().dump(users.create_user(commands.CreateUser(**body), uow))), 201


@users_api.put("/users/<id:user_id>/language")
@require("admin")
def set_language(user_id: int) -> ResponseReturnValue:
    language = load_body(LanguageIn())["language"]
    with request_work() as uow:
        user = users.set_language(commands.SetUserLanguage(user_id, language), uow)
        return jsonify(UserOut().dump(user))


@users_api.put("/users/<id:user_id>/active")
@require("admin")
def set_standing(user_id: int) -> ResponseReturnValue:
    active = load_body(ActiveIn())["active"]
    with request_work() as uow:  # an unknown user is a 404 (the path names it)
        user = users.set_active(commands.SetUserActive(user_id, active), uow)
        return jsonify(UserOut().dump(user))
