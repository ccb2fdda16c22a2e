"""What posting a need decides: the product and poster it is for, the need made before
under the same Idempotency-Key, and where a need goes that names no site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from catalog.domain.model import NeedStatus
from shared.errors import Invalid

IDEMPOTENCY_KEY = "Idempotency-Key"  # the field a key's errors are named after


@dataclass(frozen=True, slots=True)
class ProductForMember:
    """The product a need is posted for (what the answer shows of it), with what the post
    needs of the member posting: the name and postcode of its head office, and by how
    much its needs are flexible when they say nothing (``flexible_percent``)."""

    id: int
    sku: str
    name: str
    unit: str
    member_name: str
    member_postcode: str
    member_flexible_percent: int | None


@dataclass(frozen=True, slots=True)
class EarlierPost:
    """The need a member posted before under an Idempotency-Key, as it was posted."""

    id: int
    product_id: int
    quantity: Decimal
    needed_by: date | None
    delivery_site: str | None
    note: str | None
    created_at: datetime
    up_to: Decimal | None


@dataclass(frozen=True)
class PostedNeed:
    """A need just stored, with its product: what the poster is shown (``NeedOut``).

    ``replayed``: the post came again with its Idempotency-Key and this is the need the
    first one made, shown as it was shown then.
    """

    id: int
    member_id: int
    product: ProductForMember
    quantity: Decimal
    needed_by: date | None
    delivery_site: str | None
    note: str | None
    created_at: datetime
    up_to: Decimal | None = None
    status: str = NeedStatus.OPEN
    order_id: int | None = None
    replayed: bool = False


class KeyReused(Invalid):
    """An Idempotency-Key sent again with another need than the one it was first sent with."""

    def __init__(self, need_id: int) -> None:
        super().__init__(
            IDEMPOTENCY_KEY,
            f"This Idempotency-Key was sent before with other values (need {need_id}); "
            "send a new key for a new need.",
        )
        self.need_id = need_id


def head_office(found: ProductForMember) -> str:
    """Where a need goes that names no delivery site: the member's own premises."""
    return f"Firmensitz {found.member_name}, {found.member_postcode}"
