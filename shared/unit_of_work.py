"""What every service's unit of work has: the session of one transaction and the outbox
that transaction's events go to. Each service's ``SqlAlchemyUnitOfWork`` adds its
repositories on that session."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from shared.events import Event
from shared.outbox import Outbox


class SessionUnitOfWork:
    """A service's repositories on ``session``; an event published goes to ``outbox`` in
    the same transaction, so it leaves only if the change is kept.

    The unit of work neither commits nor rolls back: whoever opened the session does, when
    its block ends. For a request that is the request's transaction
    (``shared.web.request_transaction``), for an event the consumer after its handler, for
    a scheduled job or a command line the ``shared.db.transaction`` it opened."""

    def __init__(self, session: Session, outbox: Outbox) -> None:
        self.session = session
        self.outbox = outbox

    def publish(self, event: Event) -> None:
        self.outbox.add(self.session, event)

    def publish_all(self, events: Sequence[Event]) -> None:
        self.outbox.add_all(self.session, events)
