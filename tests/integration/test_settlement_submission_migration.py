"""Billing's settlement runs learn their state: a run made before the migration had booked
its collections already, so it is submitted, its collections read back from the payments
it booked (the first by a mandate as such) and its supplier transfers kept; on SQLite and
PostgreSQL, and the migration goes back cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from shared.db import alembic_config, make_engine, upgrade
from tests.integration.test_outbox_index_migration import database as database  # the fixture

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "billing" / "migrations"
BEFORE = [
    "INSERT INTO settlements (id, period_start, period_end, run_on, collect_on, collected,"
    " paid, skonto, created_at) VALUES (1, '2026-03-01', '2026-03-31', '2026-03-16',"
    " '2026-03-18', '226.10', '884.45', '18.05', '2026-03-16 10:00:00+00')",
    "INSERT INTO settlements (id, period_start, period_end, run_on, collect_on, collected,"
    " paid, skonto, created_at) VALUES (2, '2026-04-01', '2026-04-30', '2026-04-16',"
    " '2026-04-20', '10.00', '0.00', '0.00', '2026-04-16 10:00:00+00')",
    "INSERT INTO payments (member_id, booked_on, amount, reference, settlement_id,"
    " mandate_reference, created_at) VALUES"
    " (1, '2026-03-18', '226.10', 'SEPA 1 ZK-M-1', 1, 'ZK-M-1', '2026-03-16 10:00:00+00'),"
    " (1, '2026-03-20', '5.00', 'Bar', NULL, NULL, '2026-03-20 10:00:00+00'),"
    " (1, '2026-04-20', '10.00', 'SEPA 2 ZK-M-1', 2, 'ZK-M-1', '2026-04-16 10:00:00+00')",
    "INSERT INTO supplier_transfers (supplier_invoice_id, settlement_id, supplier_id, number,"
    " execute_on, amount, skonto) VALUES (7, 1, 1, 'RE-2', '2026-03-27', '884.45', '18.05')",
]


def test_runs_made_before_are_submitted_with_their_collections(database: str) -> None:
    engine = make_engine(database, "billing")
    try:
        upgrade(engine, "billing", MIGRATIONS, "0004")
        with engine.begin() as connection:
            for statement in BEFORE:
                connection.execute(text(statement))
        upgrade(engine, "billing", MIGRATIONS, "0005")
        with engine.connect() as connection:
            runs = connection.execute(
                text("SELECT id, state, submitted_on FROM settlements ORDER BY id")
            ).all()
            collections = connection.execute(
                text(
                    "SELECT settlement_id, member_id, mandate_reference, amount, first"
                    " FROM settlement_collections ORDER BY settlement_id"
                )
            ).all()
            transfers = connection.execute(
                text("SELECT settlement_id, supplier_invoice_id FROM settlement_transfers")
            ).all()
        assert [(i, state, str(day)) for i, state, day in runs] == [
            (1, "submitted", "2026-03-16"),
            (2, "submitted", "2026-04-16"),
        ]
        assert [(s, m, r, str(a), bool(f)) for s, m, r, a, f in collections] == [
            (1, 1, "ZK-M-1", "226.10", True),
            (2, 1, "ZK-M-1", "10.00", False),
        ]
        assert transfers == [(1, 7)]

        config = alembic_config(MIGRATIONS)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            kept = connection.execute(text("SELECT count(*) FROM supplier_transfers")).scalar()
        assert "settlement_collections" not in tables and kept == 1
    finally:
        engine.dispose()
