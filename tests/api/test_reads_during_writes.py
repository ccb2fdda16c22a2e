"""On SQLite a read waits for no writer: while a long write (a big price list) holds
catalog's write lock, its GETs answer at once from the last commit. Writes still take
the lock when they begin, and a read-only transaction cannot write."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from catalog.adapters.orm import Supplier
from shared.db import transaction
from tests.support.slow_writer import writing_slowly

if TYPE_CHECKING:
    from tests.api.conftest import Created, Headers, Service

HELD = 3.0  # seconds the writer keeps the lock
QUICKLY = 1.0  # a read that waits for no writer answers well within this


def timed_get(catalog: Service, path: str, headers: Headers) -> tuple[float, dict]:
    started = time.monotonic()
    response = catalog.client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    return time.monotonic() - started, response.get_json()


def test_a_get_answers_while_a_long_write_holds_the_lock(
    catalog: Service, admin: Headers, make_supplier: Callable[..., Created]
) -> None:
    supplier = make_supplier(name="Baustoffhandel Ruhr")
    renamed = (
        update(Supplier).where(Supplier.id == supplier.id).values(name="Baustoffhandel Rhein-Ruhr")
    )
    with writing_slowly(catalog.runtime.sessions, renamed, HELD):
        listed_in, listed = timed_get(catalog, "/api/v1/suppliers", admin)
        shown_in, shown = timed_get(catalog, f"/api/v1/suppliers/{supplier.id}", supplier.headers)

    assert listed_in < QUICKLY and shown_in < QUICKLY
    assert [s["name"] for s in listed] == ["Baustoffhandel Ruhr"]  # the last commit
    assert shown["name"] == "Baustoffhandel Ruhr"
    _, after = timed_get(catalog, f"/api/v1/suppliers/{supplier.id}", admin)
    assert after["name"] == "Baustoffhandel Rhein-Ruhr"


def test_a_read_only_transaction_cannot_write_and_the_next_write_can(
    catalog: Service, make_supplier: Callable[..., Created]
) -> None:
    supplier = make_supplier(name="Baustoffhandel Ruhr")
    renamed = update(Supplier).where(Supplier.id == supplier.id).values(name="Neu")
    refused = pytest.raises(OperationalError, match="readonly")
    with refused, transaction(catalog.runtime.reads) as session:
        session.execute(renamed)
    with transaction(catalog.runtime.sessions) as session:  # a pooled connection, read-only before
        session.execute(renamed)
    with transaction(catalog.runtime.reads) as session:
        assert session.scalar(select(Supplier.name).where(Supplier.id == supplier.id)) == "Neu"
