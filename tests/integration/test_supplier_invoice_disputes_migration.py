"""Billing's supplier invoices count their disputes (0006), on SQLite and PostgreSQL: an
invoice disputed before the migration has had its first, an open or accepted one none,
so a second dispute after a reopening is numbered 2; the migration goes back cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from shared.db import alembic_config, make_engine, upgrade
from tests.integration.test_outbox_index_migration import database as database  # the fixture

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "billing" / "migrations"
INVOICE = (
    "INSERT INTO supplier_invoices (id, supplier_id, seller_key, number, issued_on, currency,"
    " net_total, vat_total, gross_total, due_payable, content, match_status, differences,"
    " decision, media_type, document, received_at) VALUES (:id, 1, 'supplier:1', :number,"
    " '2026-03-16', 'EUR', '10.00', '1.90', '11.90', '11.90', '{}', 'differences', '[]',"
    " :decision, 'application/xml', :document, '2026-03-16 10:00:00+00')"
)


def test_an_invoice_disputed_before_has_had_one_dispute(database: str) -> None:
    engine = make_engine(database, "billing")
    try:
        upgrade(engine, "billing", MIGRATIONS, "0005")
        with engine.begin() as connection:
            for id_, decision in enumerate(("open", "disputed", "accepted"), start=1):
                values = {"id": id_, "number": f"RE-{id_}", "decision": decision}
                connection.execute(text(INVOICE), {**values, "document": b"<xml/>"})
        upgrade(engine, "billing", MIGRATIONS, "0006")
        with engine.connect() as connection:
            counted = connection.execute(
                text("SELECT decision, disputes FROM supplier_invoices ORDER BY id")
            ).all()
        assert [tuple(row) for row in counted] == [("open", 0), ("disputed", 1), ("accepted", 0)]

        config = alembic_config(MIGRATIONS)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("supplier_invoices")}
            kept = connection.execute(text("SELECT count(*) FROM supplier_invoices")).scalar()
        assert "disputes" not in columns and kept == 3
    finally:
        engine.dispose()
