"""Migration 0010 on SQLite and PostgreSQL: needs posted before it keep their rows and get
no key; the key is unique per member where it is given; the downgrade takes it away again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from shared.db import alembic_config, make_engine, upgrade

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "catalog" / "migrations"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        built = make_engine(f"sqlite:///{tmp_path / 'catalog.db'}", "catalog")
        yield built
        built.dispose()
        return
    from tests.support.servers import throwaway_database

    with throwaway_database() as url:
        built = make_engine(url, "catalog")
        yield built
        built.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(MIGRATIONS)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def need_columns(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns("needs")}


def post(engine: Engine, member_id: int, key: str | None = None) -> None:
    columns = "member_id, product_id, quantity, status, created_at"
    values = ":member, 1, '2', 'open', CURRENT_TIMESTAMP"
    if key is not None:
        columns, values = f"{columns}, idempotency_key", f"{values}, :key"
    with engine.begin() as connection:
        connection.execute(
            text(f"INSERT INTO needs ({columns}) VALUES ({values})"),
            {"member": member_id, "key": key},
        )


def test_0010_up_and_down(engine: Engine) -> None:
    upgrade(engine, "catalog", MIGRATIONS, "0009")
    with engine.begin() as connection:
        for member_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO members (id, name, trade, email, postcode, language, active,"
                    " created_at) VALUES (:id, 'Maler', 'painter', 'm@x.example', '44135', 'de',"
                    " true, CURRENT_TIMESTAMP)"
                ),
                {"id": member_id},
            )
        connection.execute(
            text("INSERT INTO products (id, sku, name, unit) VALUES (1, 'S', 'P', 'E')")
        )
    post(engine, 1)
    assert "idempotency_key" not in need_columns(engine)

    upgrade(engine, "catalog", MIGRATIONS, "0010")
    assert "idempotency_key" in need_columns(engine)
    post(engine, 1)  # without a key, as often as a member likes
    post(engine, 1, "k")
    post(engine, 2, "k")  # another member's key is another key
    with pytest.raises(IntegrityError):
        post(engine, 1, "k")
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT member_id, idempotency_key FROM needs ORDER BY id"))
        assert keys.all() == [(1, None), (1, None), (1, "k"), (2, "k")]

    downgrade(engine, "0009")
    assert "idempotency_key" not in need_columns(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM needs")) == 4
    upgrade(engine, "catalog", MIGRATIONS, "head")
    assert "idempotency_key" in need_columns(engine)
