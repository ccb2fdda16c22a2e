"""An HTTP transport that hands each request to a WSGI app in this process.

Tests put a service's app behind the web service's client of it this way: the same
requests, tokens and answers as over the network, without a process to start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from werkzeug.test import Client

WsgiApp = Callable[..., Any]


class WsgiTransport(BaseAdapter):
    def __init__(self, app: WsgiApp) -> None:
        super().__init__()
        self._client = Client(app)

    def send(
        self, request: requests.PreparedRequest, stream: bool = False, **_options: Any
    ) -> requests.Response:
        address = urlsplit(request.url or "")
        body = request.body.encode() if isinstance(request.body, str) else request.body
        answer = self._client.open(
            path=address.path,
            query_string=address.query,
            method=request.method or "GET",
            headers=list(request.headers.items()),
            data=body or b"",
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response._content = answer.get_data()
        response.encoding = answer.mimetype_params.get("charset")
        response.url = request.url or ""
        response.request = request
        answer.close()
        return response

    def close(self) -> None:
        pass


def in_process_session(apps: Mapping[str, WsgiApp]) -> requests.Session:
    """A session whose requests to each base URL go to that URL's app in this process."""
    http = requests.Session()
    for base_url, app in apps.items():
        http.mount(base_url, WsgiTransport(app))
    return http
