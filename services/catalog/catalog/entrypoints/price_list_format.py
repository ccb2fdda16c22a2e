"""The price-list CSV's columns and largest size: catalog's API reads and writes them, the
web service's supplier portal shows them beside its upload form."""

from __future__ import annotations

COLUMNS = ("sku", "name", "unit", "pack_size", "tiers", "valid_from", "vat_rate")
REQUIRED = COLUMNS[:5]
MAX_BYTES = 1024 * 1024  # 10,000 rows of about 100 characters; the app takes no larger body
