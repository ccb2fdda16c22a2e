"""Pooling's copy of a supplier learns ``active``: suppliers it knew before the migration
count as active, on SQLite and PostgreSQL, and the migration goes back cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from shared.db import alembic_config, make_engine, upgrade
from tests.integration.test_outbox_index_migration import database as database  # the fixture

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "pooling" / "migrations"


def test_known_suppliers_are_active_after_the_migration(database: str) -> None:
    engine = make_engine(database, "pooling")
    try:
        upgrade(engine, "pooling", MIGRATIONS, "0005")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO supplier_terms (supplier_id, name, shipping_fee) "
                    "VALUES (7, 'Baustoffe Ruhr', '25.00')"
                )
            )
        upgrade(engine, "pooling", MIGRATIONS, "0006")
        with engine.connect() as connection:
            active = connection.execute(text("SELECT active FROM supplier_terms")).scalar_one()
        assert active in (True, 1)

        config = alembic_config(MIGRATIONS)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("supplier_terms")}
        assert "active" not in columns
    finally:
        engine.dispose()
