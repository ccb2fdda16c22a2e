"""Logging with the correlation id that follows a need from the form to the savings report."""

from __future__ import annotations

import contextvars
import logging
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pythonjsonlogger.json import JsonFormatter

correlation: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def correlated(correlation_id: str) -> Iterator[None]:
    """Log under ``correlation_id`` inside the block, as the request or event did before."""
    token = correlation.set(correlation_id)
    try:
        yield
    finally:
        correlation.reset(token)


# The answer's X-Correlation-ID among the values gunicorn hands its access line
# (``record.args``): the request is over when that line is written.
ACCESS_CORRELATION_ID = "{x-correlation-id}o"


class CorrelationFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, Mapping) and ACCESS_CORRELATION_ID in args:
            record.correlation_id = args[ACCESS_CORRELATION_ID] or "-"
        else:
            record.correlation_id = correlation.get() or "-"
        return True


JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s"


def json_logging_config(service: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` of one JSON object per line on stderr, for gunicorn's
    ``logconfig_dict``: its own error and access logs too."""
    handler = {"handlers": ["stderr"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"correlation": {"()": CorrelationFilter}},
        "formatters": {
            "json": {"()": JsonFormatter, "fmt": JSON_FIELDS, "static_fields": {"service": service}}
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
                "filters": ["correlation"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {"gunicorn.error": handler, "gunicorn.access": handler},
    }


def configure(service: str, *, json_format: bool = False, level: int = logging.INFO) -> None:
    """Send this process's logs to stderr, each line carrying the correlation id."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(CorrelationFilter())
    if json_format:
        handler.setFormatter(JsonFormatter(JSON_FIELDS, static_fields={"service": service}))
    else:
        handler.setFormatter(
            logging.Formatter(
                f"%(asctime)s %(levelname)s {service} %(name)s [%(correlation_id)s] %(message)s"
            )
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("amqp", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
