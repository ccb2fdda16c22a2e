"""Gunicorn settings shared by the services' web processes (see each ``gunicorn.conf.py``)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context

from shared.logging import ACCESS_CORRELATION_ID, json_logging_config
from shared.request_input import ApiError
from shared.settings import Settings

# Gunicorn's access line is the request's one log line: who asked, the request, the
# status, the size, the milliseconds taken, the client and the answer's correlation id.
ACCESS_LOG_FORMAT = f'%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({ACCESS_CORRELATION_ID})s'


def service_config(service: str, settings: Settings) -> dict[str, Any]:
    """With ``ZIRKEL_LOG_FORMAT=json`` every line (the app's, gunicorn's errors and
    accesses) is one JSON object carrying the correlation id."""
    config = {
        "wsgi_app": f"{service}.entrypoints.app:create_app()",
        "bind": f"{settings.bind_host}:{settings.ports[service]}",
        "workers": settings.web_workers,
        "threads": settings.web_threads,
        "preload_app": False,  # no connection may exist before the fork
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "timeout": 60,
        "worker_abort": stop_the_request,  # a request past the timeout: a JSON 503
        "graceful_timeout": 10,
        "proc_name": f"zirkel-{service}-web",
        # gunicorn's runtime control socket is one path per user by default, which the
        # services' web processes on one machine would take from each other; their
        # supervisor (or the container) is what starts and stops them
        "control_socket_disable": True,
    }
    if settings.log_json:
        config["logconfig_dict"] = json_logging_config(f"{service}-web")
    return config


class RequestTooLong(ApiError):
    """A request that ran past gunicorn's timeout, stopped where it was."""

    def __init__(self, seconds: int) -> None:
        message = "The request took too long and was stopped; try again later."
        super().__init__(503, message, {"request": [f"stopped after {seconds} s"]})


def stop_the_request(worker: Any) -> None:
    """Gunicorn's ``worker_abort`` hook: the master aborts a worker whose request runs past
    ``timeout``, and gunicorn would answer it with its own HTML 500 page. Raised in the
    request instead (the hook runs in the interrupted thread), the error rolls the request's
    transaction back and is answered as JSON, ``{"error", "details"}`` with 503; the worker
    exits after that answer, as it would have. Outside a request the worker just exits.
    (A request blocked inside C, SQLite waiting for its lock say, sees the signal only when
    that call returns; gunicorn kills it a second after the abort, and the client sees the
    connection closed.)"""
    if has_request_context():
        raise RequestTooLong(worker.cfg.timeout)
