"""The HTTP session that posts to suppliers' webhooks, refusing internal addresses.

A supplier chooses its webhook URL, so without a check notify's worker could be made
to post to the cooperative's own services, the database's admin page or the cloud
metadata service (server-side request forgery). The transport adapter resolves the
host name itself, refuses it when any of its addresses is loopback, private,
link-local, unique-local, multicast, unspecified or reserved (``shared.webhook_addresses``;
networks in ``ZIRKEL_WEBHOOK_ALLOWED_NETWORKS`` excepted), and then connects to the
address it checked: urllib3 is handed the address, not the name, so no second lookup
can answer differently (DNS rebinding). The request still names the host: the ``Host``
header carries it, and for https the TLS server name (SNI) and the certificate check
use it. ``post_signed`` follows no redirect (and one followed by another caller would
pass the same check), and proxies from the environment are not used (a proxy would
resolve the name again).
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.connection import allowed_gai_family

from notify.adapters.webhook import DeliveryFailed
from shared.webhook_addresses import Address, Network, refusal, shown

Resolver = Callable[[str, int], list[Address]]


class WebhookRefused(DeliveryFailed):
    """The webhook's URL leads to an address notify does not post to; trying again
    changes nothing until the URL or the allowed networks change."""


def resolve_addresses(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to for a TCP connection, in the resolver's order."""
    found = socket.getaddrinfo(host, port, family=allowed_gai_family(), type=socket.SOCK_STREAM)
    addresses: list[Address] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class WebhookAdapter(HTTPAdapter):
    """Connects only to a checked address of the URL's host (see the module's text)."""

    def __init__(self, allowed: Iterable[Network] = (), resolve: Resolver | None = None) -> None:
        super().__init__(max_retries=0)
        self.allowed = tuple(allowed)
        self.resolve = resolve or resolve_addresses

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        """Refuses credentials in the URL; never goes through a proxy."""
        if urlsplit(request.url).username is not None:
            raise WebhookRefused("refused: the webhook URL carries a user name or password")
        return super().send(request, stream, timeout, verify, cert, proxies=None)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The pool of the checked address; for https the TLS name stays the host's."""
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        host, scheme = host_params["host"], host_params["scheme"]
        port = host_params["port"] or (443 if scheme == "https" else 80)
        address = self.checked_address(host, port)
        if scheme == "https":
            pool_kwargs["server_hostname"] = host
        host_params["host"] = str(address)
        return host_params, pool_kwargs

    def add_headers(self, request: requests.PreparedRequest, **kwargs: Any) -> None:
        """The ``Host`` header names the URL's host, not the address connected to."""
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        name = f"[{host}]" if ":" in host else host
        request.headers["Host"] = name if parts.port is None else f"{name}:{parts.port}"

    def checked_address(self, host: str, port: int) -> Address:
        """The address to connect to: the first of the host's, once all of them passed."""
        try:
            addresses = self.resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise requests.ConnectionError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise requests.ConnectionError(f"cannot resolve {host}: no address")
        for address in addresses:
            refused = refusal(address, self.allowed)
            if refused is None:
                continue
            if _is_literal(host):
                raise WebhookRefused(f"refused: {refused}")
            raise WebhookRefused(
                f"refused: {host} resolves to {shown(address)}, which is {refused.what}"
            )
        return addresses[0]


def webhook_session(
    allowed: Iterable[Network] = (), resolve: Resolver | None = None
) -> requests.Session:
    """A session for posting to suppliers' webhooks through ``WebhookAdapter``."""
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc credentials from the environment
    adapter = WebhookAdapter(allowed, resolve)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _is_literal(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True
