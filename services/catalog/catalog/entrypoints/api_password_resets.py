"""A forgotten password, asked by the web service as the office: catalog keeps the users
and signs the links (``service_layer/password_reset.py``); notify mails them.

- ``POST /password-resets``: an e-mail and the address the request came from; 202 with
  an empty answer for any address. For an active user's address the link goes to notify
  by ``catalog.password_reset.requested`` (notify writes the e-mail); any other address
  costs the same work (``service_layer/password_reset.py``). The requests are counted like
  sign-in tries (``service_layer/sign_in.py``: 5 per address and e-mail, 20 per address in
  15 minutes), apart from them; past the limit no link is sent.
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

from catalog.domain.model import MAX_PASSWORD_LENGTH
from catalog.entrypoints.work import handle, request_work
from catalog.service_layer import commands, password_reset, users
from shared.auth import require
from shared.request_input import ApiError, load_body
from shared.web import current_runtime, request_transaction

password_reset_api = Blueprint("catalog_password_reset_api", __name__, url_prefix="/api/v1")
NOT_GOOD = "The link is used, expired or not valid."


class ResetIn(Schema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    address = fields.String(load_default="", validate=validate.Length(max=64))


class TokenIn(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ConfirmIn(TokenIn):
    password = fields.String(required=True, validate=validate.Length(max=MAX_PASSWORD_LENGTH))


@password_reset_api.post("/password-resets")
@require("admin")
def ask_for_reset() -> ResponseReturnValue:
    asked = commands.AskForReset(**load_body(ResetIn()))
    with request_work() as uow:
        handle(asked, uow)
    return jsonify({}), 202


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
