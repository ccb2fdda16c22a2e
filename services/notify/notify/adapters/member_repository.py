"""Notify's repositories of what it keeps per member: the directory from catalog, the
preferences, and the messages written to members (notifications in the app, deliveries
by e-mail). Each works on the unit of work's session; its rows are the mapped classes
of ``orm`` and ``orm_savings``, used by the handlers as plain records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from notify.adapters.orm import Delivery, MemberEntry, Notification
from notify.adapters.orm_savings import Preferences

CHUNK = 500  # members per query when a close's members are loaded together


class SqlMembers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int) -> MemberEntry | None:
        return self.session.get(MemberEntry, member_id)

    def add(self, member: MemberEntry) -> None:
        self.session.add(member)

    def trades(self) -> dict[int, str]:
        rows = self.session.execute(select(MemberEntry.member_id, MemberEntry.trade))
        return dict(rows.all())

    def load(self, member_ids: Sequence[int]) -> None:
        """The members' directory entries and preferences in few queries, so that looking
        each one up afterwards finds it in the session."""
        for start in range(0, len(member_ids), CHUNK):
            chunk = member_ids[start : start + CHUNK]
            query = select(MemberEntry).where(MemberEntry.member_id.in_(chunk))
            self.session.scalars(query).all()
            query2 = select(Preferences).where(Preferences.member_id.in_(chunk))
            self.session.scalars(query2).all()


class SqlPreferences:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int) -> Preferences | None:
        return self.session.get(Preferences, member_id)

    def add(self, preferences: Preferences) -> None:
        self.session.add(preferences)

    def wishing_nudges(self) -> list[Preferences]:
        """The preferences of members who asked for nudges of either kind."""
        query = select(Preferences).where(or_(Preferences.nudge_bought, Preferences.nudge_trade))
        return list(self.session.scalars(query))


def _first(
    session: Session,
    message: type[Delivery] | type[Notification],
    member_id: int,
    kind: str,
    order_id: int | None,
    window_id: int | None,
) -> Any:
    query = select(message).where(message.member_id == member_id, message.kind == kind)
    if order_id is not None:
        query = query.where(message.order_id == order_id)
    if window_id is not None:
        query = query.where(message.window_id == window_id)
    return session.scalars(query.order_by(message.id)).first()


class SqlDeliveries:
    """The e-mails to members, the office and suppliers' invoice disputes."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, delivery: Delivery) -> None:
        self.session.add(delivery)

    def first(
        self, member_id: int, kind: str, *, order_id: int | None, window_id: int | None
    ) -> Delivery | None:
        """The first e-mail of this kind to the member about the order or window."""
        found: Delivery | None = _first(
            self.session, Delivery, member_id, kind, order_id, window_id
        )
        return found

    def waiting(self, member_id: int, kind: str, window_id: int) -> Delivery | None:
        """An e-mail of this kind about the window not tried yet."""
        query = select(Delivery).where(
            Delivery.member_id == member_id,
            Delivery.kind == kind,
            Delivery.window_id == window_id,
            Delivery.status == "pending",
            Delivery.attempts == 0,
        )
        return self.session.scalars(query).first()

    def without_address(self, member_id: int) -> list[Delivery]:
        """The member's e-mails that failed because no address was known."""
        query = select(Delivery).where(
            Delivery.member_id == member_id,
            Delivery.channel == "email",
            Delivery.status == "failed",
            Delivery.to == "",
        )
        return list(self.session.scalars(query))

    def exists(self, member_id: int, order_id: int, kind: str) -> bool:
        """Whether an e-mail of this kind about ``order_id`` (an order, an alert, a supplier
        invoice) was queued to ``member_id`` (a member, or 0: not a member)."""
        query = select(Delivery.id).where(
            Delivery.member_id == member_id,
            Delivery.order_id == order_id,
            Delivery.kind == kind,
            Delivery.channel == "email",
        )
        return self.session.scalar(query) is not None

    def of_invoice(self, invoice_id: int) -> list[Delivery]:
        query = select(Delivery).where(Delivery.invoice_id == invoice_id).order_by(Delivery.id)
        return list(self.session.scalars(query))


class SqlNotifications:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, note: Notification) -> None:
        self.session.add(note)

    def first(
        self, member_id: int, kind: str, *, order_id: int | None, window_id: int | None
    ) -> Notification | None:
        found: Notification | None = _first(
            self.session, Notification, member_id, kind, order_id, window_id
        )
        return found

    def members_told(self, order_id: int, kind: str) -> set[int]:
        query = select(Notification.member_id).where(
            Notification.order_id == order_id, Notification.kind == kind
        )
        return set(self.session.scalars(query))
