"""A forgotten password, asked by the web service as the office: catalog keeps the users
and signs the links (``service_layer/password_reset.py``); the web service mails them.

- ``POST /password-resets``: an e-mail and the address the request came from. For an
  active user's address, the link's token, the user's e-mail and language and how many
  minutes the link lasts; for any other address the same answer with nothing in it. The
  requests are counted like sign-in tries (``service_layer/sign_in.py``: 5 per address and
  e-mail, 20 per address in 15 minutes), apart from them; past the limit the answer is
  the empty one too.
- ``POST /password-resets/check``: whether a token is still good (200), else 422.
- ``POST /password-resets/confirm``: a token and a new password; sets it once (every
  session of the user ends, and the token, salted with the old password hash, is good no
  more); 422 naming ``token`` when it is not good (used, expired, not ours) or
  ``password`` when the password is too short.

The token goes in the body, never in a URL a log line would keep.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from catalog.entrypoints.work import request_work
from catalog.service_layer import commands, password_reset, sign_in, users
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from shared.auth import require
from shared.db import transaction
from shared.request_input import ApiError, load_body
from shared.web import current_runtime, request_transaction

password_reset_api = Blueprint("catalog_password_reset_api", __name__, url_prefix="/api/v1")
RESET_TRIES = "reset:"  # links asked for an e-mail are counted apart from its sign-in tries
NOT_GOOD = "The link is used, expired or not valid."


class ResetIn(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    address = fields.String(load_default="", validate=validate.Length(max=64))


class ResetOut(Schema):
    email = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    token = fields.String(allow_none=True)
    minutes = fields.Integer(allow_none=True)


class TokenIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ConfirmIn(TokenIn):
    password = fields.String(required=True, validate=validate.Length(max=1024))


NOTHING = {"email": None, "language": None, "token": None, "minutes": None}


@password_reset_api.post("/password-resets")
@require("admin")
def ask_for_reset() -> ResponseReturnValue:
    body = load_body(ResetIn())
    sessions, secret = current_runtime().sessions, _secret()
    with transaction(sessions) as db:  # committed before the look-up: every worker sees it
        counted = commands.CountTry(RESET_TRIES + body["email"], body["address"])
        wait = sign_in.count_try(counted, SqlAlchemyUnitOfWork(db, current_runtime().outbox))
    with transaction(sessions) as db:
        user = None if wait else password_reset.user_to_reset(db, body["email"])
        if user is None:
            return jsonify(NOTHING)
        minutes = int(password_reset.LIFETIME.total_seconds() // 60)
        token = password_reset.reset_token(user, secret)
        return jsonify(email=user.email, language=user.language, token=token, minutes=minutes)


@password_reset_api.post("/password-resets/check")
@require("admin")
def check_token() -> ResponseReturnValue:
    token = load_body(TokenIn())["token"]
    with request_transaction() as db:
        if password_reset.user_of_token(db, token, _secret()) is None:
            raise ApiError(422, NOT_GOOD, {"token": [NOT_GOOD]})
    return jsonify({})


@password_reset_api.post("/password-resets/confirm")
@require("admin")
def confirm_reset() -> ResponseReturnValue:
    body = load_body(ConfirmIn())
    with request_work() as uow:  # a too short password is a 422 naming ``password``
        user = password_reset.user_of_token(uow.session, body["token"], _secret())
        if user is None:
            raise ApiError(422, NOT_GOOD, {"token": [NOT_GOOD]})
        users.set_password(commands.SetPassword(user.id, body["password"]), uow)
    return jsonify({})


def _secret() -> str:
    return str(current_runtime().settings.secret_key)
