"""Fixtures shared by every kind of test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.smtp import SmtpServer


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    """A throwaway vhost on the machine's RabbitMQ for this test run."""
    with throwaway_vhost() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway database on the machine's PostgreSQL for this test run."""
    with throwaway_database() as url:
        yield url


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on a free loopback port, its mailbox in ``mailbox``."""
    server = SmtpServer().start()
    yield server
    server.stop()
