"""``shared.web.status_of``: each kind of refusal its status, whatever the method; a missing
thing named only in the body is an invalid body."""

from __future__ import annotations

import pytest

from catalog.domain.model import NeedNotOpen, WebhookIncomplete
from catalog.domain.posting import KeyReused
from pooling.domain.confirmation import LineError
from pooling.domain.lifecycle import OrderStateError, OrderStatus, OrderStep
from shared.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from shared.web import status_of

PATH = ("order_id",)

CASES = [
    (NotFound("order_id", "There is no order 9."), PATH, (), 404),
    (NotFound("order_id", "There is no order 9."), PATH, ("order_id",), 404),
    (NotFound("sku", "Unknown product X."), (), ("sku", "quantity"), 422),
    (NotFound("member_id", "There is no member 9."), (), (), 404),  # the caller's token
    (Conflict("status", "The order is confirmed already."), PATH, (), 409),
    (Forbidden("order_id", "This order went to another supplier."), PATH, (), 403),
    (Invalid("quantity", "More than three decimals."), (), ("quantity",), 422),
    (DomainError("note", "Refused."), (), ("note",), 422),
    (OrderStateError(OrderStatus.CONFIRMED, OrderStep.CONFIRM), PATH, (), 409),
    (LineError("declined", "X-1", "the order has no line X-1"), PATH, ("declined",), 422),
    (NeedNotOpen("ordered"), ("need_id",), (), 409),
    (KeyReused(7), (), (), 422),
    (WebhookIncomplete("webhook_url", "A webhook needs the URL."), (), ("webhook_url",), 422),
]


@pytest.mark.parametrize(("error", "in_path", "in_body", "status"), CASES)
def test_each_kind_of_refusal_has_one_status(
    error: DomainError, in_path: tuple[str, ...], in_body: tuple[str, ...], status: int
) -> None:
    assert status_of(error, in_path=in_path, in_body=in_body) == status


def test_domain_errors_carry_no_http_status() -> None:
    kinds = (DomainError, Invalid, NotFound, Conflict, Forbidden, OrderStateError, LineError)
    assert not any(hasattr(kind, "status") for kind in kinds)
