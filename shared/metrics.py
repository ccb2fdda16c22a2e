"""Prometheus metrics of a service: ``GET /metrics`` in the text exposition format.

What is counted where it happens (request latency in the web app, events
published by the outbox relay, events consumed by the consumer) lives in
prometheus_client's multiprocess mode: every process of a service writes its
samples to files in one directory (``Settings.metrics_directory``:
``<ZIRKEL_VAR_DIR>/metrics/<service>``, or ``PROMETHEUS_MULTIPROC_DIR`` when that is
set), and ``/metrics`` adds them up, so gunicorn's web processes and the worker
answer as one service. What is a state (the outbox backlog, the open pool) is read
from the service's database at scrape time.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine, Table, func, select

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "zirkel_http_request_duration_seconds",
    "Time to answer an HTTP request, per endpoint and status.",
    ["service", "method", "endpoint", "status"],
    registry=None,
)
EVENTS_PUBLISHED = Counter(
    "zirkel_events_published",
    "Events the outbox relay published with a confirm, per routing key.",
    ["routing_key"],
    registry=None,
)
EVENTS_CONSUMED = Counter(
    "zirkel_events_consumed",
    "Messages a consumer took off its queue, per queue and outcome "
    "(processed, duplicate, retried, dead_lettered).",
    ["queue", "outcome"],
    registry=None,
)


_shared_directory: list[Path] = []  # the directory this process shares, once chosen


def share_across_processes(directory: Path) -> Path:
    """Keep this process's samples in files that ``/metrics`` of any process adds up.

    The first directory a process is given wins (``Settings.metrics_directory``); call it
    before anything is counted. prometheus_client is told it the only way it listens:
    ``PROMETHEUS_MULTIPROC_DIR`` in this process's environment.
    """
    if not _shared_directory:
        directory.mkdir(parents=True, exist_ok=True)
        os.environ[MULTIPROC_ENV] = str(directory)
        _shared_directory.append(directory)
    if not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.MultiProcessValue()
    return _shared_directory[0]


def published(routing_key: str, count: int = 1) -> None:
    EVENTS_PUBLISHED.labels(routing_key).inc(count)


def consumed(queue: str, outcome: str) -> None:
    EVENTS_CONSUMED.labels(queue, outcome).inc()


def outbox_backlog(engine: Engine, table: Table) -> tuple[int, float]:
    """How many outbox rows are unsent, and the age in seconds of the oldest (0 if none)."""
    query = select(func.count(), func.min(table.c.created_at)).where(table.c.sent_at.is_(None))
    with engine.connect() as db:
        count, oldest = db.execute(query).one()
    if isinstance(oldest, str):  # SQLite hands back an aggregate as text
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    seconds = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
    return count, max(seconds, 0.0)


class OutboxBacklog(Collector):
    """Unsent outbox rows and the age of the oldest, read at scrape time."""

    def __init__(self, service: str, engine: Engine, outbox: Table) -> None:
        self.service, self.engine, self.outbox = service, engine, outbox

    def collect(self) -> Iterator[Metric]:
        unsent = GaugeMetricFamily(
            "zirkel_outbox_unsent", "Outbox rows not yet published.", labels=["service"]
        )
        age = GaugeMetricFamily(
            "zirkel_outbox_oldest_unsent_age_seconds",
            "Age of the oldest unpublished outbox row (0 when none).",
            labels=["service"],
        )
        count, seconds = outbox_backlog(self.engine, self.outbox)
        unsent.add_metric([self.service], count)
        age.add_metric([self.service], seconds)
        yield unsent
        yield age


class Gauges(Collector):
    """Gauges read at scrape time: ``name -> (help, read)``."""

    def __init__(self, service: str, gauges: dict[str, tuple[str, Callable[[], float]]]) -> None:
        self.service, self.gauges = service, gauges

    def collect(self) -> Iterator[Metric]:
        for name, (help_text, read) in self.gauges.items():
            family = GaugeMetricFamily(name, help_text, labels=["service"])
            family.add_metric([self.service], read())
            yield family


class ReadAtScrape(Collector):
    """A collector that reads the database: when that fails, its gauges are left out
    (and logged) so the counted metrics are still served."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector

    def collect(self) -> Iterator[Metric]:
        try:
            return iter(list(self.collector.collect()))
        except Exception as exc:
            log.warning("metrics of %s not read: %s", type(self.collector).__name__, exc)
            return iter(())


def init_app(app: Flask, runtime: object, directory: Path) -> None:
    """Time every request and serve ``/metrics`` (no token: keep it off the public network)."""
    service: str = app.name
    multiproc_dir = share_across_processes(directory)
    outbox = getattr(runtime, "tables", {}).get("outbox")  # the web service keeps none
    scraped: list[Collector] = []
    if outbox is not None:
        scraped.append(OutboxBacklog(service, runtime.engine, outbox))  # type: ignore[attr-defined]
    app.extensions["zirkel.metrics"] = scraped

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            endpoint = request.url_rule.rule if request.url_rule else "unmatched"
            REQUEST_SECONDS.labels(
                service, request.method, endpoint, str(response.status_code)
            ).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        registry = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(registry, path=str(multiproc_dir))
        for collector in scraped:
            registry.register(ReadAtScrape(collector))
        return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def add_gauges(app: Flask, gauges: dict[str, tuple[str, Callable[[], float]]]) -> None:
    """Have ``/metrics`` of ``app`` also read these gauges at scrape time."""
    app.extensions["zirkel.metrics"].append(Gauges(app.name, gauges))
