"""Gunicorn settings shared by the services' web processes (see each ``gunicorn.conf.py``)."""

from __future__ import annotations

import os
from typing import Any

from shared.logging import ACCESS_CORRELATION_ID, json_logging_config
from shared.settings import DEFAULT_PORTS
from shared.web import stop_the_request

# Gunicorn's access line is the request's one log line: who asked, the request, the
# status, the size, the milliseconds taken, the client and the answer's correlation id.
ACCESS_LOG_FORMAT = f'%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({ACCESS_CORRELATION_ID})s'


def service_config(service: str) -> dict[str, Any]:
    """With ``ZIRKEL_LOG_FORMAT=json`` every line (the app's, gunicorn's errors and
    accesses) is one JSON object carrying the correlation id."""
    port = os.environ.get(f"ZIRKEL_{service.upper()}_PORT", str(DEFAULT_PORTS[service]))
    config = {
        "wsgi_app": f"{service}.entrypoints.app:create_app()",
        "bind": f"{os.environ.get('ZIRKEL_BIND_HOST', '127.0.0.1')}:{port}",
        "workers": int(os.environ.get("ZIRKEL_WEB_WORKERS", "2")),
        "threads": int(os.environ.get("ZIRKEL_WEB_THREADS", "1")),
        "preload_app": False,  # no connection may exist before the fork
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "timeout": 60,
        "worker_abort": stop_the_request,  # a request past the timeout: a JSON 503
        "graceful_timeout": 10,
        "proc_name": f"zirkel-{service}-web",
    }
    if os.environ.get("ZIRKEL_LOG_FORMAT") == "json":
        config["logconfig_dict"] = json_logging_config(f"{service}-web")
    return config
