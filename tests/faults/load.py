"""A steady stream of posted needs for the fault suite, every 201 remembered."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from tests.support.stack import Client, Stack

SKU = "FAULT-1"


def set_up(admin: Client) -> list[tuple[int, str]]:
    supplier = admin.ok(
        "POST",
        "catalog",
        "/suppliers",
        json={"name": "Baustoffe Ruhr", "email": "orders@ruhr.example", "shipping_fee": "25.00"},
    )
    admin.ok(
        "POST", "catalog", "/products", json={"sku": SKU, "name": "Fugenmasse", "unit": "Sack"}
    )
    admin.ok(
        "PUT",
        "catalog",
        f"/offers/{supplier['id']}/{SKU}",
        json={"pack_size": "1", "tiers": [{"min_quantity": "0", "unit_price": "9.50"}]},
    )
    members = []
    for n in range(3):
        body = {
            "name": f"Fliesen {n}",
            "trade": "tiler",
            "email": f"m{n}@fliesen.example",
            "postcode": "44135",
        }
        created = admin.ok("POST", "catalog", "/members", json=body)
        members.append((created["id"], created["api_token"]))
    return members


class Poster(threading.Thread):
    """Members posting needs as fast as one browser tab would, every 201 remembered."""

    def __init__(self, stack: Stack, tokens: list[str], pause: float = 0.02) -> None:
        super().__init__(name="poster", daemon=True)
        self.stack, self.tokens, self.pause = stack, tokens, pause
        self.accepted: list[int] = []
        self.outcomes: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        url = f"{self.stack.url('catalog')}/api/v1/needs"
        n = 0
        while not self.stop.is_set():
            token = self.tokens[n % len(self.tokens)]
            n += 1
            try:
                response = requests.post(
                    url,
                    json={"sku": SKU, "quantity": "1"},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=10,
                )
            except requests.RequestException as exc:
                self.outcomes[type(exc).__name__] += 1
                self.stop.wait(0.2)
                continue
            self.outcomes[str(response.status_code)] += 1
            if response.status_code == 201:
                self.accepted.append(response.json()["id"])
            self.stop.wait(self.pause)


@contextmanager
def stopping(*posters: Poster) -> Iterator[tuple[Poster, ...]]:
    """The posters post while the block runs (each a client of its own)."""
    for poster in posters:
        poster.start()
    try:
        yield posters
    finally:
        for poster in posters:
            poster.stop.set()
        for poster in posters:
            poster.join(timeout=15)
