"""The largest price list a supplier may upload (10,000 rows) on SQLite and on PostgreSQL:
accepted within seconds, every offer set with its tiers, one ``catalog.offer.updated`` per
row in the outbox in the list's order; uploaded again with other prices, the tiers are
replaced, as quickly."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench.price_list import price_list
from catalog.adapters.orm import Offer, OfferTier, Product
from catalog.entrypoints.app import create_app
from catalog.entrypoints.price_list_rows import MAX_ROWS
from shared.runtime import Runtime
from shared.settings import Settings

ADMIN = {"Authorization": "Bearer large-list-admin-token"}
# Seconds the largest list may take with its events: 3-6 s on a quiet machine, on either
# database; the bound leaves room for a busy one (the whole suite on two cores) and still
# catches rows written one by one (36 s for 5,000 on PostgreSQL, before).
WITHIN = 20.0
SUPPLIER = {"name": "Baustoffe Groß", "email": "gross@example.com", "shipping_fee": "19.00"}


@pytest.fixture(params=["sqlite", "postgres"])
def catalog(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FlaskClient]:
    env = {
        "ZIRKEL_SECRET_KEY": "k" * 32,
        "ZIRKEL_VAR_DIR": str(tmp_path),
        "ZIRKEL_ADMIN_TOKEN": ADMIN["Authorization"].removeprefix("Bearer "),
    }
    if request.param == "postgres":
        env["ZIRKEL_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    app = create_app(Settings.from_env(env))
    runtime: Runtime = app.extensions["zirkel.runtime"]
    runtime.migrate()
    yield app.test_client()
    runtime.engine.dispose()


@dataclass
class Upload:
    """One supplier's price lists, its products named with a prefix of their own (the
    PostgreSQL database is shared by the run's tests)."""

    client: FlaskClient
    supplier_id: int = 0
    prefix: str = field(default_factory=lambda: uuid.uuid4().hex[:6].upper())

    def __post_init__(self) -> None:
        supplier = self.client.post("/api/v1/suppliers", json=SUPPLIER, headers=ADMIN)
        self.supplier_id = supplier.get_json()["id"]

    def send(self, body: str) -> Any:
        return self.client.post(
            f"/api/v1/price-lists/{self.supplier_id}",
            data=body,
            headers=ADMIN,
            content_type="text/csv",
        )

    @property
    def runtime(self) -> Runtime:
        return self.client.application.extensions["zirkel.runtime"]

    def events(self) -> list[dict[str, Any]]:
        outbox = self.runtime.tables["outbox"]
        query = select(outbox.c.body).where(outbox.c.routing_key == "catalog.offer.updated.v1")
        with self.runtime.engine.connect() as db:
            bodies = db.scalars(query.order_by(outbox.c.id)).all()
        payloads = [json.loads(body)["payload"] for body in bodies]
        mine = (p for p in payloads if p["supplier_id"] == self.supplier_id)
        return [p for p in mine if p["sku"].startswith(self.prefix)]

    def counts(self) -> tuple[int, int, int]:
        """The supplier's products, offers and tiers."""
        offers = select(Offer.id).where(Offer.supplier_id == self.supplier_id)
        queries = (
            select(func.count()).where(Product.sku.startswith(self.prefix)),
            select(func.count()).select_from(offers.subquery()),
            select(func.count()).where(OfferTier.offer_id.in_(offers)),
        )
        with self.runtime.engine.connect() as db:
            return tuple(db.scalar(query) for query in queries)  # type: ignore[return-value]


def test_ten_thousand_rows_are_accepted_with_their_events(catalog: FlaskClient) -> None:
    supplier = Upload(catalog)
    body = price_list(MAX_ROWS, supplier.prefix)
    assert MAX_ROWS == 10_000

    sent = time.monotonic()
    response = supplier.send(body)
    took = time.monotonic() - sent

    assert response.status_code == 200, response.get_json()
    print(f"\n10,000 new rows stored with their events in {took:.1f} s")
    assert took < WITHIN
    answer = response.get_json()
    assert (answer["rows"], answer["offers_set"], answer["products_created"]) == (10_000,) * 3
    events = supplier.events()
    assert [e["sku"] for e in events] == [line.split(";")[0] for line in body.splitlines()[1:]]
    assert events[7] == {
        "supplier_id": supplier.supplier_id,
        "sku": f"{supplier.prefix}000007",
        "product_name": "Artikel 7",
        "unit": "piece",
        "pack_size": "8",
        "tiers": [
            {"min_quantity": "0", "unit_price": "11.20"},
            {"min_quantity": "50", "unit_price": "10.95"},
        ],
        "active": True,
        "vat_rate": "19",
        "valid_from": None,
    }
    assert supplier.counts() == (10_000, 10_000, 20_000)

    sent = time.monotonic()
    response = supplier.send(body.replace("|50:", "|60:"))
    took = time.monotonic() - sent

    assert response.status_code == 200, response.get_json()
    print(f"10,000 rows changed with their events in {took:.1f} s")
    assert took < WITHIN
    assert response.get_json()["products_created"] == 0
    assert supplier.counts() == (10_000, 10_000, 20_000)
    assert supplier.events()[10_007]["tiers"][1]["min_quantity"] == "60"
    offers = select(Offer.id).where(Offer.supplier_id == supplier.supplier_id)
    with supplier.runtime.engine.connect() as db:
        tiers = select(OfferTier.min_quantity).where(OfferTier.offer_id.in_(offers))
        starts = db.scalars(tiers.order_by(OfferTier.id)).all()
    assert starts[:4] == [Decimal(0), Decimal(60), Decimal(0), Decimal(60)]


def test_one_row_too_many_is_refused(catalog: FlaskClient) -> None:
    supplier = Upload(catalog)

    response = supplier.send(price_list(MAX_ROWS + 1, supplier.prefix))

    assert response.status_code == 422
    assert response.get_json()["details"]["rows"][0]["row"] == MAX_ROWS + 2
    assert supplier.counts() == (0, 0, 0)
    assert supplier.events() == []
