"""The event contracts: each event one typed class paired with its schema, defined here
once and split by producer (``envelope`` holds what every event shares).

Producers build the typed class (``NeedPosted(need_id=..., ...)``), the outbox writes
it with ``dumps``, and a consumer is handed the same class back by ``load``.
"""

from shared.events.billing import InvoiceIssued, SupplierInvoiceDisputed
from shared.events.catalog import (
    MemberRegistered,
    NeedCancelled,
    NeedChanged,
    NeedPosted,
    OfferUpdated,
    OpsAlert,
    OpsAlertRaised,
    OpsAlertResolved,
    PasswordResetRequested,
    ProductUpdated,
    SupplierUpdated,
)
from shared.events.envelope import TYPES, Event, check_on_build, dump, dumps, load, shown
from shared.events.notify import SavingsReported
from shared.events.pooling import (
    DepotServed,
    NeedChangeRefused,
    NeedWithdrawn,
    OrderConfirmed,
    OrderPlaced,
    OrderReceived,
    OrderRejected,
    PoolProgressed,
)

__all__ = [
    "TYPES",
    "DepotServed",
    "Event",
    "InvoiceIssued",
    "MemberRegistered",
    "NeedCancelled",
    "NeedChangeRefused",
    "NeedChanged",
    "NeedPosted",
    "NeedWithdrawn",
    "OfferUpdated",
    "OpsAlert",
    "OpsAlertRaised",
    "OpsAlertResolved",
    "OrderConfirmed",
    "OrderPlaced",
    "OrderReceived",
    "OrderRejected",
    "PasswordResetRequested",
    "PoolProgressed",
    "ProductUpdated",
    "SavingsReported",
    "SupplierInvoiceDisputed",
    "SupplierUpdated",
    "check_on_build",
    "dump",
    "dumps",
    "load",
    "shown",
]
