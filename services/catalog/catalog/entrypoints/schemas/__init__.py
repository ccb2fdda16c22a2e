"""The catalog API's request and response schemas, by subject: the members and suppliers
(``directory``), the products and offers (``offers``), the needs (``needs``), and what
several of them check alike (``checks``). The API's modules and the web service's forms
take them from here."""

from catalog.entrypoints.schemas.checks import SKU
from catalog.entrypoints.schemas.directory import (
    SUPPLIER_DELIVERY_FIELDS,
    FlexibilityIn,
    MemberIn,
    MemberOut,
    SupplierIn,
    SupplierOut,
)
from catalog.entrypoints.schemas.needs import NeedIn, NeedOut
from catalog.entrypoints.schemas.offers import (
    OfferIn,
    OfferOut,
    ProductChangeIn,
    ProductIn,
    ProductOut,
    TierIn,
    TierOut,
)

__all__ = [
    "SKU",
    "SUPPLIER_DELIVERY_FIELDS",
    "FlexibilityIn",
    "MemberIn",
    "MemberOut",
    "NeedIn",
    "NeedOut",
    "OfferIn",
    "OfferOut",
    "ProductChangeIn",
    "ProductIn",
    "ProductOut",
    "SupplierIn",
    "SupplierOut",
    "TierIn",
    "TierOut",
]
