"""``PATCH /api/v1/needs/{id}``: a member (or the office) changes an open need before the
cutoff, by the rules a posted need keeps; the product stays (another product is another
need: cancel this one and post that)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError, validates_schema

from catalog.entrypoints.api import NEED_OUT, asking_member
from catalog.entrypoints.schemas import NeedIn
from catalog.entrypoints.work import request_work
from catalog.service_layer.commands import CHANGEABLE, ChangeNeed
from catalog.service_layer.need_changes import change_need
from shared.auth import require
from shared.request_input import load_body

need_changes_api = Blueprint("catalog_need_changes_api", __name__, url_prefix="/api/v1")


class NeedChangeIn(NeedIn):
    """Any of the need's changeable fields, checked as a posted need's are; null clears
    ``up_to``, ``needed_by``, ``delivery_site`` and ``note``."""

    class Meta:
        exclude = ("sku", "member_id")

    @validates_schema
    def _something_to_change(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError(f"Send one or more of {', '.join(CHANGEABLE)}.", "body")


@need_changes_api.patch("/needs/<id:need_id>")
@require("admin", "member")
def change(need_id: int) -> ResponseReturnValue:
    """Change an open need; 409 once it is no longer open (ordered, cancelled)."""
    body = load_body(NeedChangeIn(partial=True))
    with request_work() as uow:
        need = change_need(ChangeNeed(need_id, body, asking_member()), uow)
        return jsonify(NEED_OUT.dump(need))
