"""The fault suite's servers and stack: a private RabbitMQ node and PostgreSQL cluster
(which the suite may crash and restart), a loopback SMTP server, and Zirkel's processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.chaos import Servers
from tests.support.private_servers import PrivatePostgres, PrivateRabbitMQ
from tests.support.smtp import SmtpServer
from tests.support.stack import Stack


@pytest.fixture
def servers() -> Iterator[Servers]:
    with PrivateRabbitMQ() as rabbitmq, PrivatePostgres() as postgres:
        yield Servers(rabbitmq, postgres)


@pytest.fixture
def stack(tmp_path: Path, smtp: SmtpServer, servers: Servers) -> Iterator[Stack]:
    stack = Stack(
        tmp_path,
        broker_url=servers.rabbitmq.url,
        database_url=servers.postgres.url,
        smtp_port=smtp.port,
        extra_env={"ZIRKEL_CONSUMER_MAX_RETRIES": "5"},
    )
    yield from stack.running()
