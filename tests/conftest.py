"""Fixtures shared by every kind of test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import events, metrics
from tests.support.servers import throwaway_database, throwaway_vhost
from tests.support.smtp import SmtpServer
from tests.support.stack import Stack

# Every event a test builds, producers' included, is checked against its schema.
events.check_on_build(True)


@pytest.fixture(scope="session", autouse=True)
def metrics_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one directory this test process keeps its metrics samples in, chosen before any
    test runs: the first app a process builds would otherwise choose it, and a test that
    restores the environment around its own work (``mock.patch.dict(os.environ)``) would
    take prometheus_client's directory away from every later test in the process."""
    return metrics.share_across_processes(tmp_path_factory.mktemp("metrics"))


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """A failing test that ran the real processes shows their logs beside its error."""
    report = yield
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, Stack):
                report.sections.append((f"processes' logs ({call.when})", value.logs()))
    return report


PROCESS_TESTS = ("e2e", "faults", "browser")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist the tests that start Zirkel's processes (end to end, faults,
    browser) share one worker, one at a time, so two stacks never compete for the cores
    while their readiness clocks run; the quick tests fill the other workers."""
    for item in items:
        if item.path.relative_to(Path(__file__).parent).parts[0] in PROCESS_TESTS:
            item.add_marker(pytest.mark.xdist_group("processes"))
