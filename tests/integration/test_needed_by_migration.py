"""Pooling learns each need's "benötigt bis": needs and allocations from before the
migration stand with none, a new one keeps its date, on SQLite and PostgreSQL, and the
migration goes back cleanly."""

from __future__ import annotations

from decimal import Decimal

from alembic import command
from sqlalchemy import inspect, text

from shared.db import alembic_config, make_engine, upgrade
from tests.integration.test_outbox_index_migration import database as database  # the fixture
from tests.integration.test_receipts_migration import ORDERED
from tests.integration.test_supplier_standing_migration import MIGRATIONS

NEED = (
    "INSERT INTO needs (need_id, member_id, sku, quantity, status, window_id) "
    "VALUES (2, 2, 'SIL-300', '30', 'ordered', 1)"
)


def test_needs_and_allocations_of_before_stand_without_a_date(database: str) -> None:
    engine = make_engine(database, "pooling")
    try:
        upgrade(engine, "pooling", MIGRATIONS, "0011")
        with engine.begin() as connection:
            for statement in (*ORDERED, NEED):
                connection.execute(text(statement))
        upgrade(engine, "pooling", MIGRATIONS, "0012")
        with engine.begin() as connection:
            need = connection.execute(text("SELECT needed_by FROM needs")).scalar_one()
            allocation = connection.execute(text("SELECT needed_by FROM allocations")).scalar()
            connection.execute(text("UPDATE needs SET needed_by = '2027-03-19'"))
            dated = connection.execute(text("SELECT needed_by FROM needs")).scalar_one()
        assert (need, allocation, str(dated)) == (None, None, "2027-03-19")

        config = alembic_config(MIGRATIONS)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0011")
        with engine.connect() as connection:
            for table in ("needs", "allocations"):
                columns = {c["name"] for c in inspect(connection).get_columns(table)}
                assert "needed_by" not in columns and "delivery_site" in columns
            kept = connection.execute(text("SELECT quantity FROM allocations")).scalar_one()
        assert Decimal(str(kept)) == Decimal(30)
    finally:
        engine.dispose()
