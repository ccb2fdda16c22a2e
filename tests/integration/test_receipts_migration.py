"""Pooling's orders learn declined lines, receipts and the depot: lines ordered before the
migration stand (not declined, nothing received yet), on SQLite and PostgreSQL, and the
migration goes back cleanly."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from shared.db import alembic_config, make_engine, upgrade
from tests.integration.test_outbox_index_migration import database as database  # the fixture
from tests.integration.test_supplier_standing_migration import MIGRATIONS

ORDERED = (
    "INSERT INTO windows (id, status, opened_at, closes_at) "
    "VALUES (1, 'closed', '2026-11-20 10:00:00', '2026-11-27 10:00:00')",
    "INSERT INTO orders (id, window_id, supplier_id, status, shipping_fee, total, placed_at) "
    "VALUES (1, 1, 7, 'confirmed', '0.00', '302.40', '2026-11-27 10:00:00')",
    "INSERT INTO order_lines (id, order_id, sku, packs, ordered_quantity, unit_price, "
    "line_total, surplus_quantity) VALUES (1, 1, 'SIL-300', 6, '72', '4.20', '302.40', '8')",
    "INSERT INTO allocations (id, line_id, need_id, member_id, quantity, goods, "
    "shipping_share, paid) VALUES (1, 1, 2, 2, '30', '126.00', '0.00', '126.00')",
)


def test_orders_of_before_stand_unreceived_after_the_migration(database: str) -> None:
    engine = make_engine(database, "pooling")
    try:
        upgrade(engine, "pooling", MIGRATIONS, "0006")
        with engine.begin() as connection:
            for statement in ORDERED:
                connection.execute(text(statement))
        upgrade(engine, "pooling", MIGRATIONS, "0007")
        with engine.connect() as connection:
            line = connection.execute(
                text("SELECT declined, received_quantity, depot_quantity FROM order_lines")
            ).one()
            received = connection.execute(text("SELECT received FROM allocations")).scalar_one()
            movements = connection.execute(text("SELECT count(*) FROM depot_movements")).scalar()
        assert (line[0] in (False, 0), line[1], line[2], received, movements) == (
            True,
            None,
            None,
            None,
            0,
        )

        config = alembic_config(MIGRATIONS)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            columns = {c["name"] for c in inspect(connection).get_columns("order_lines")}
        assert not {"receipts", "receipt_lines", "depot_movements"} & tables
        assert not {"declined", "received_quantity", "depot_quantity"} & columns
    finally:
        engine.dispose()
