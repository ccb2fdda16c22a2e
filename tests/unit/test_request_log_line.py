"""A request's one log line is gunicorn's access line, carrying the answer's correlation id."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from shared.gunicorn import service_config
from shared.logging import CorrelationFilter, correlated
from shared.settings import Settings


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(CorrelationFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def access_line(correlation_id: str) -> logging.LogRecord:
    """What gunicorn logs for one answered POST, with the services' access format."""
    config = Config()
    config.set("accesslog", "-")
    settings = Settings.from_env({"ZIRKEL_SECRET_KEY": "s" * 32})
    config.set("access_log_format", service_config("catalog", settings)["access_log_format"])
    logger = Logger(config)
    kept = Kept()
    logger.access_log.handlers[:] = [kept]
    response = SimpleNamespace(
        status="201 CREATED",
        headers=[("Content-Type", "application/json"), ("X-Correlation-ID", correlation_id)],
        response_length=271,
        sent=271,
    )
    request = SimpleNamespace(headers=[])
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/api/v1/needs",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "curl/8",
    }
    with correlated("another-request"):  # what the worker's context holds is not the answer's
        logger.access(response, request, environ, timedelta(milliseconds=7))
    (record,) = kept.records
    return record


def test_the_access_line_names_the_request_and_carries_its_correlation_id() -> None:
    record = access_line("need-42")
    assert (
        record.getMessage()
        == '127.0.0.1 "POST /api/v1/needs HTTP/1.1" 201 271 7ms "curl/8" need-42'
    )
    assert record.correlation_id == "need-42"  # type: ignore[attr-defined]


def test_other_lines_carry_the_id_of_their_context() -> None:
    kept = Kept()
    log = logging.getLogger("zirkel.test.request-log")
    log.addHandler(kept)
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        with correlated("need-7"):
            log.info("posted %s", {"id": 1})
        log.info("outside")
    finally:
        log.removeHandler(kept)
    assert [r.correlation_id for r in kept.records] == ["need-7", "-"]  # type: ignore[attr-defined]
