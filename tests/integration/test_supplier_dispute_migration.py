"""Migration 0008 of notify on SQLite and PostgreSQL: a supplier delivery gets a kind (an
order or a dispute) and a subject; the orders delivered before keep their rows and
attempts as orders, one delivery per (supplier, kind, subject, channel); disputes
e-mailed before are named as the log names disputes now. The downgrade drops the
disputes and gives the orders their old key back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from shared.db import alembic_config, make_engine, upgrade

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "notify" / "migrations"
DELIVERY = (
    'INSERT INTO supplier_deliveries (supplier_id, {subject}, channel, {kind} "to", subject,'
    " body, message, status, attempts, created_at) VALUES (1, :subject, 'webhook', {value}"
    " 'https://erp.example/hook', 'Bestellung', '', '{{}}', 'sent', 1, CURRENT_TIMESTAMP)"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        built = make_engine(f"sqlite:///{tmp_path / 'notify.db'}", "notify")
        yield built
        built.dispose()
        return
    from tests.support.servers import throwaway_database

    with throwaway_database() as url:
        built = make_engine(url, "notify")
        yield built
        built.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(MIGRATIONS)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def deliver(engine: Engine, subject: int, kind: str | None = None) -> None:
    """A delivery to supplier 1 by webhook: before 0008 an order (``kind`` None)."""
    if kind is None:
        sql = DELIVERY.format(subject="order_id", kind="", value="")
    else:
        sql = DELIVERY.format(subject="subject_id", kind="kind,", value=f"'{kind}',")
    with engine.begin() as connection:
        connection.execute(text(sql), {"subject": subject})


def rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_0008_up_and_down(engine: Engine) -> None:
    upgrade(engine, "notify", MIGRATIONS, "0007")
    deliver(engine, 5)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO supplier_delivery_attempts (delivery_id, number, at, outcome)"
                " VALUES (1, 1, CURRENT_TIMESTAMP, 'sent')"
            )
        )
        connection.execute(
            text(
                'INSERT INTO deliveries (member_id, order_id, kind, channel, "to", subject, body,'
                " status, attempts, created_at) VALUES (0, 9, 'invoice_disputed', 'email',"
                " 'buchhaltung@erp.example', 'Rechnung beanstandet', '', 'sent', 1,"
                " CURRENT_TIMESTAMP)"
            )
        )

    upgrade(engine, "notify", MIGRATIONS, "0008")
    assert rows(engine, "SELECT kind, subject_id FROM supplier_deliveries") == [("order", 5)]
    assert rows(engine, "SELECT count(*) FROM supplier_delivery_attempts") == [(1,)]
    assert rows(engine, "SELECT kind FROM deliveries") == [("supplier_dispute",)]
    deliver(engine, 5, "dispute")  # supplier invoice 5: not order 5
    with pytest.raises(IntegrityError):
        deliver(engine, 5, "dispute")
    with pytest.raises(IntegrityError):
        deliver(engine, 5, "order")

    downgrade(engine, "0007")
    assert rows(engine, "SELECT id, order_id FROM supplier_deliveries") == [(1, 5)]
    assert rows(engine, "SELECT kind FROM deliveries") == [("invoice_disputed",)]
    with pytest.raises(IntegrityError):
        deliver(engine, 5)
    upgrade(engine, "notify", MIGRATIONS, "head")
    assert rows(engine, "SELECT kind, subject_id FROM supplier_deliveries") == [("order", 5)]


def test_0009_gives_each_dispute_of_an_invoice_its_own_delivery(engine: Engine) -> None:
    """The disputes delivered before are the first of their invoice; a second goes beside
    it, a repeat of either is refused. Down again, the second disputes go."""
    upgrade(engine, "notify", MIGRATIONS, "0008")
    deliver(engine, 5, "order")
    deliver(engine, 5, "dispute")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO supplier_delivery_attempts (delivery_id, number, at, outcome)"
                " VALUES (2, 1, CURRENT_TIMESTAMP, 'sent')"
            )
        )

    upgrade(engine, "notify", MIGRATIONS, "0009")
    numbered = "SELECT kind, subject_id, dispute_number FROM supplier_deliveries ORDER BY id"
    assert rows(engine, numbered) == [("order", 5, 0), ("dispute", 5, 1)]
    assert rows(engine, "SELECT delivery_id FROM supplier_delivery_attempts") == [(2,)]
    second = DELIVERY.format(subject="subject_id, dispute_number", kind="kind,", value="'dispute',")
    second = second.replace("VALUES (1, :subject,", "VALUES (1, :subject, :number,")
    with engine.begin() as connection:
        connection.execute(text(second), {"subject": 5, "number": 2})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(second), {"subject": 5, "number": 2})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(second), {"subject": 5, "number": 1})

    downgrade(engine, "0008")
    assert rows(engine, "SELECT kind, subject_id FROM supplier_deliveries ORDER BY id") == [
        ("order", 5),
        ("dispute", 5),
    ]
    assert rows(engine, "SELECT delivery_id FROM supplier_delivery_attempts") == [(2,)]
    with pytest.raises(IntegrityError):
        deliver(engine, 5, "dispute")
    downgrade(engine, "0007")
    assert rows(engine, "SELECT id, order_id FROM supplier_deliveries") == [(1, 5)]
