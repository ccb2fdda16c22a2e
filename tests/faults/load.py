"""A steady stream of posted needs for the fault suite, every 201 remembered."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from tests.support.stack import Stack

SKU = "FAULT-1"


class Poster(threading.Thread):
    """Members posting needs as fast as one browser tab would, every 201 remembered."""

    def __init__(self, stack: Stack, tokens: list[str]) -> None:
        super().__init__(name="poster", daemon=True)
        self.stack, self.tokens = stack, tokens
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
            self.stop.wait(0.02)


@contextmanager
def stopping(poster: Poster) -> Iterator[Poster]:
    poster.start()
    try:
        yield poster
    finally:
        poster.stop.set()
        poster.join(timeout=15)
