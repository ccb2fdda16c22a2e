"""The body of every service's Alembic ``env.py``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData


def run(target_metadata: MetaData) -> None:
    """Run migrations on the connection handed in by ``shared.db.upgrade``.

    For ``alembic revision --autogenerate`` a URL is given with ``-x url=...``.
    """
    connection = context.config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        url = context.get_x_argument(as_dictionary=True)["url"]
        with create_engine(url).connect() as connection:
            _configure_and_run(connection, target_metadata)
            connection.commit()
        return
    _configure_and_run(connection, target_metadata)


def _configure_and_run(connection: object, target_metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
