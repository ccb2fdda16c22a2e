"""The settlement's two SEPA files, made with sepaxml, which checks each against its
ISO 20022 schema as it writes it: the direct debits (pain.008.001.02, core scheme) and the
credit transfers (pain.001.001.03). Amounts go to sepaxml in cents."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sepaxml import SepaDD, SepaTransfer
from sepaxml.validation import ValidationError

from billing.domain.settlement import Collection, Transfer
from shared.errors import Conflict, Words

DIRECT_DEBIT_SCHEMA = "pain.008.001.02"
CREDIT_TRANSFER_SCHEMA = "pain.001.001.03"


@dataclass(frozen=True)
class Creditor:
    """The cooperative: whom members pay by direct debit, who pays the suppliers."""

    name: str
    iban: str
    bic: str
    creditor_id: str


def creditor_id_is_valid(creditor_id: str) -> bool:
    """A SEPA creditor identifier: country, two check digits (ISO 7064 MOD 97-10 over the
    national part, the country and "00"), a business code the check leaves out, and the
    national identifier (for Germany ``DE98ZZZ09999999999``, the Bundesbank's test id)."""
    cid = creditor_id.replace(" ", "").upper()
    if len(cid) < 8 or len(cid) > 35 or not cid[:2].isalpha() or not cid[2:4].isdigit():
        return False
    national = cid[7:]
    if not national or any(c not in string.ascii_uppercase + string.digits for c in national):
        return False
    digits = "".join(str(int(c, 36)) for c in national + cid[:2] + "00")
    return 98 - int(digits) % 97 == int(cid[2:4])


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def direct_debits(
    creditor: Creditor, settlement_id: int, collections: Sequence[Collection], collect_on: date
) -> bytes:
    """One pain.008 with a debit per member, by its mandate."""
    sepa = SepaDD(
        {
            "name": creditor.name,
            "IBAN": creditor.iban,
            "BIC": creditor.bic,
            "batch": True,
            "creditor_id": creditor.creditor_id,
            "currency": "EUR",
        },
        schema=DIRECT_DEBIT_SCHEMA,
    )
    for collection in collections:
        mandate = collection.mandate
        sepa.add_payment(
            {
                "name": mandate.name,
                "IBAN": mandate.iban,
                "amount": _cents(collection.amount),
                "type": "FRST" if collection.first else "RCUR",
                "collection_date": collect_on,
                "mandate_id": mandate.reference,
                "mandate_date": mandate.signed_on,
                "description": f"Abrechnung {settlement_id} Mitglied {mandate.member_id}",
                "endtoend_id": f"ZIRKEL-S{settlement_id}-M{mandate.member_id}",
            }
        )
    return _exported(sepa, Words("direct debits"))


def credit_transfers(
    creditor: Creditor, settlement_id: int, transfers: Sequence[Transfer]
) -> bytes:
    """One pain.001 with a transfer per supplier invoice, on its day."""
    sepa = SepaTransfer(
        {
            "name": creditor.name,
            "IBAN": creditor.iban,
            "BIC": creditor.bic,
            "batch": True,
            "currency": "EUR",
        },
        schema=CREDIT_TRANSFER_SCHEMA,
    )
    for transfer in transfers:
        invoice = transfer.invoice
        skonto = f" abzgl. Skonto {transfer.skonto}" if transfer.skonto else ""
        sepa.add_payment(
            {
                "name": invoice.supplier_name,
                "IBAN": invoice.iban,
                "amount": _cents(transfer.amount),
                "execution_date": transfer.execute_on,
                "description": f"Rechnung {invoice.number}{skonto}",
                "endtoend_id": f"ZIRKEL-S{settlement_id}-R{invoice.supplier_invoice_id}",
            }
        )
    return _exported(sepa, Words("credit transfers"))


def _exported(sepa: SepaDD | SepaTransfer, what: Words) -> bytes:
    """The file, checked against its schema; one that fails (an account or a reference a
    bank would refuse) stops the run, which then books nothing."""
    try:
        return bytes(sepa.export(validate=True))
    except ValidationError as exc:
        cause = exc.__cause__ or exc
        said = Words("The SEPA %(what)s do not validate: %(cause)s")
        raise Conflict("settlement", said, what=what, cause=str(cause)) from exc
