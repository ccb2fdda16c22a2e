"""Fixtures of the integration tests."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.servers import reachable, unavailable, wait_for

MANAGEMENT = ("127.0.0.1", 15672)


@pytest.fixture(scope="session")
def management_url(rabbitmq_url: str) -> str:
    """RabbitMQ's management API, the plugin enabled when it is off."""
    if not reachable(MANAGEMENT):
        try:
            subprocess.run(
                ["rabbitmq-plugins", "enable", "rabbitmq_management"],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except (FileNotFoundError, subprocess.SubprocessError) as exc:
            unavailable(f"cannot enable the RabbitMQ management plugin: {exc}")
        if not wait_for(MANAGEMENT, 30):
            unavailable("the RabbitMQ management API did not come up on 127.0.0.1:15672")
    return "http://guest:guest@127.0.0.1:15672"
