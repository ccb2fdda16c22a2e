"""E-mails about a user's sign-in, written by the pages that keep the sign-ins (catalog)
and sent by notify's mail sender like every other e-mail: a password-reset link.

The body holds a secret link, so the delivery log shows such an e-mail without its body
(as it shows every other one)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from notify.entrypoints.api import DeliveryOut
from notify.entrypoints.work import handle, request_work
from notify.service_layer.commands import QueueAccountMail
from shared.auth import require
from shared.request_input import load_body

account_mail_api = Blueprint("notify_account_mail", __name__, url_prefix="/api/v1")


class AccountMailIn(Schema):
    to = fields.Email(required=True, validate=validate.Length(max=254))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


@account_mail_api.post("/account-mail")
@require("admin")
def account_mail() -> ResponseReturnValue:
    """Queue an e-mail to one user's address (admin: the pages that keep the sign-ins)."""
    cmd = QueueAccountMail(**load_body(AccountMailIn()))
    with request_work() as uow:
        delivery = handle(cmd, uow)
        uow.session.flush()  # the delivery's id for the answer
        return jsonify(DeliveryOut().dump(delivery)), 202
