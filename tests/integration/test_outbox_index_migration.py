"""The outbox's partial index of unsent rows, in every service, on SQLite and PostgreSQL:
the migration puts it in place of the index of ``sent_at`` and takes it out again, and
the relay's look-up uses it. On PostgreSQL the event bodies are compressed with lz4."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, inspect, text

from shared.db import alembic_config, make_engine, upgrade
from shared.outbox import outbox_table, unsent

SERVICES = Path(__file__).resolve().parents[2] / "services"
REVISIONS = {"catalog": ("0010", "0011"), "pooling": ("0004", "0005"), "notify": ("0004", "0005")}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    from tests.support.servers import throwaway_database

    with throwaway_database() as url:
        yield url


def outbox_indexes(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {index["name"] for index in inspect(connection).get_indexes("outbox")}


@pytest.mark.parametrize("service", sorted(REVISIONS))
def test_the_unsent_rows_get_an_index_of_their_own(database: str, service: str) -> None:
    before, after = REVISIONS[service]
    migrations = SERVICES / service / "migrations"
    engine = make_engine(database, service)
    try:
        upgrade(engine, service, migrations, before)
        assert "ix_outbox_sent_at" in outbox_indexes(engine)
        upgrade(engine, service, migrations, after)
        assert "outbox_unsent" in outbox_indexes(engine)
        assert "ix_outbox_sent_at" not in outbox_indexes(engine)

        config = alembic_config(migrations)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, before)
        assert outbox_indexes(engine) >= {"ix_outbox_sent_at"}
        assert "outbox_unsent" not in outbox_indexes(engine)
    finally:
        engine.dispose()


def test_the_relay_looks_up_the_unsent_rows_through_it(database: str) -> None:
    engine = make_engine(database, "catalog")
    try:
        upgrade(engine, "catalog", SERVICES / "catalog" / "migrations")
        look_up = unsent(outbox_table(MetaData()), 200).compile(
            engine, compile_kwargs={"literal_binds": True}
        )
        explain = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SET enable_seqscan = off"))  # an empty table
            plan = " ".join(str(row) for row in connection.execute(text(f"{explain} {look_up}")))
        assert "outbox_unsent" in plan, plan
    finally:
        engine.dispose()


LZ4 = {"catalog": ("0019", "0020"), "pooling": ("0013", "0014")}
LZ4 |= {"notify": ("0009", "0010"), "billing": ("0006", "0007")}


@pytest.mark.postgres
@pytest.mark.parametrize("service", sorted(LZ4))
def test_postgresql_compresses_the_event_bodies_with_lz4(service: str) -> None:
    """A close writes megabytes of events: lz4 stores them in a third of pglz's time."""
    from tests.support.servers import throwaway_database

    before, after = LZ4[service]
    migrations = SERVICES / service / "migrations"
    compression = text(
        "SELECT attcompression FROM pg_attribute"
        " WHERE attrelid = 'outbox'::regclass AND attname = 'body'"
    )
    with throwaway_database() as url:
        engine = make_engine(url, service)
        try:
            upgrade(engine, service, migrations, after)
            with engine.connect() as connection:
                assert connection.scalar(compression) == "l"
            config = alembic_config(migrations)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, before)
            with engine.connect() as connection:
                assert connection.scalar(compression) == ""
        finally:
            engine.dispose()
