"""Notify posts no webhook to an internal address (server-side request forgery).

The transport adapter is driven through a real requests session against real servers
on loopback; host names are resolved by a fake at the adapter's seam (its ``resolve``),
so nothing here asks a DNS server, and a name that no DNS server knows can only be
reached through the address the adapter checked. Every refused case is refused before
a connection is opened; the only connections made go to 127.0.0.1.
"""

from __future__ import annotations

import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from notify.adapters.webhook import DeliveryFailed, post_signed
from notify.adapters.webhook_transport import WebhookAdapter, WebhookRefused, webhook_session
from shared.ops import alerts
from shared.webhook_addresses import Address, parse_networks
from tests.api.test_notify_api import order_placed
from tests.api.test_supplier_deliveries import (
    LOOPBACK,
    SECRET,
    Webhook,
    deliver,
    sender,
    supplier_deliveries,
    supplier_updated,
)
from tests.support.http import serving

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

NAME = "erp.ruhr.example"  # known to no DNS server: only the fake resolver answers it


class Resolver:
    """A resolver with fixed answers that counts its lookups."""

    def __init__(self, **answers: list[str]) -> None:
        self.answers = {name.replace("_", "."): found for name, found in answers.items()}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[Address]:
        self.lookups.append(host)
        return [ip_address(a) for a in self.answers[host]]


def resolving(*addresses: str) -> Resolver:
    return Resolver(**{NAME: list(addresses)})


def post(session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    return session.post(url, data=b"{}", timeout=5, allow_redirects=False, **kwargs)


# The address check at the adapter's seam: no connection is made by these.


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (["10.0.0.5"], f"refused: {NAME} resolves to 10.0.0.5, which is a private address"),
        (["169.254.169.254"], "169.254.169.254, which is a link-local address"),
        (["fd00::5"], "fd00::5, which is a unique-local address"),
        (["::ffff:192.168.1.1"], "::ffff:192.168.1.1, which is a private address"),
        (["93.184.215.14", "127.0.0.1"], "127.0.0.1, which is a loopback address"),
        (["2a00:1450:4001::1", "fe80::1"], "fe80::1, which is a link-local address"),
    ],
)
def test_a_host_name_is_refused_when_any_of_its_addresses_is_internal(
    answer: list[str], message: str
) -> None:
    adapter = WebhookAdapter(resolve=resolving(*answer))

    with pytest.raises(WebhookRefused, match=r"^refused: ") as refused:
        adapter.checked_address(NAME, 443)

    assert message in str(refused.value)


def test_a_public_host_name_is_connected_to_by_its_first_checked_address() -> None:
    resolver = resolving("93.184.215.14", "2a00:1450:4001::1")

    assert WebhookAdapter(resolve=resolver).checked_address(NAME, 443) == ip_address(
        "93.184.215.14"
    )
    assert resolver.lookups == [NAME]


def test_an_allowed_network_lets_a_lan_supplier_through() -> None:
    lan = parse_networks("192.168.10.0/24")
    adapter = WebhookAdapter(lan, resolve=resolving("192.168.10.20"))

    assert adapter.checked_address(NAME, 80) == ip_address("192.168.10.20")
    with pytest.raises(WebhookRefused, match=r"192.168.11.20, which is a private address"):
        WebhookAdapter(lan, resolve=resolving("192.168.11.20")).checked_address(NAME, 80)


def test_a_name_that_does_not_resolve_is_a_connection_error_to_retry() -> None:
    def unknown(host: str, port: int) -> list[Address]:
        raise OSError(-2, "Name or service not known")

    with pytest.raises(requests.ConnectionError, match=f"cannot resolve {NAME}"):
        WebhookAdapter(resolve=unknown).checked_address(NAME, 443)


# Real requests to a real server on loopback.


def test_no_request_reaches_a_loopback_server_unless_loopback_is_allowed() -> None:
    hook = Webhook(failures=0)
    with serving(hook) as base:
        with pytest.raises(WebhookRefused, match=r"^refused: 127.0.0.1 is a loopback address$"):
            post(webhook_session(), f"{base}/orders")
        assert hook.received == []

        answer = post(webhook_session(LOOPBACK), f"{base}/orders")
    assert answer.status_code == 401  # reached (unsigned, so the supplier refuses it)
    assert len(hook.received) == 1


def test_loopback_spelled_another_way_is_refused_too() -> None:
    hook = Webhook(failures=0)
    with serving(hook) as base:
        port = base.rsplit(":", 1)[1]
        for url in (f"http://127.1:{port}/", f"http://2130706433:{port}/"):
            with pytest.raises(WebhookRefused, match=r"resolves to 127.0.0.1, which is a loopback"):
                post(webhook_session(), url)
        with pytest.raises(WebhookRefused, match=r"resolves to ::ffff:127.0.0.1, which is a"):
            post(webhook_session(resolve=resolving("::ffff:127.0.0.1")), f"http://{NAME}:{port}/")
    assert hook.received == []


def test_the_connection_goes_to_the_checked_address_and_names_the_host() -> None:
    hook, resolver = Webhook(failures=0), resolving("127.0.0.1")
    with serving(hook) as base:
        port = base.rsplit(":", 1)[1]
        session = webhook_session(LOOPBACK, resolve=resolver)
        for _ in range(2):
            status = post_signed(session, f"http://{NAME}:{port}/orders", SECRET, b"{}", 7)
            assert status == 204

    assert [r["valid"] for r in hook.received] == [True, True]
    assert hook.received[0]["headers"]["Host"] == f"{NAME}:{port}"
    assert resolver.lookups == [NAME, NAME]  # one lookup per request, the checked one


def test_credentials_in_the_url_are_refused_before_connecting() -> None:
    hook = Webhook(failures=0)
    with serving(hook) as base:
        url = base.replace("http://", "http://ruhr:geheim@") + "/orders"
        with pytest.raises(WebhookRefused, match=r"user name or password"):
            post(webhook_session(LOOPBACK), url)
    assert hook.received == []


def test_redirects_are_not_followed_and_a_followed_one_is_checked_too() -> None:
    targets: list[str] = []

    def moved(environ: dict[str, Any], start_response: Any) -> Any:
        targets.append(Request(environ).path)
        location = "http://127.0.0.2:9/admin"  # loopback, but not the allowed 127.0.0.1
        return Response("", status=307, headers={"Location": location})(environ, start_response)

    with serving(moved) as base:
        session = webhook_session(LOOPBACK)
        with pytest.raises(DeliveryFailed, match=r"^HTTP 307"):
            post_signed(session, f"{base}/orders", SECRET, b"{}", 7)
        with pytest.raises(WebhookRefused, match=r"^refused: 127.0.0.2 is a loopback address"):
            session.post(f"{base}/orders", data=b"{}", timeout=5)
    assert targets == ["/orders", "/orders"]


def test_ipv6_loopback_is_refused_and_reached_when_allowed() -> None:
    hook = Webhook(failures=0)
    with serving_at("::1", hook) as port:
        with pytest.raises(WebhookRefused, match=r"^refused: ::1 is a loopback address$"):
            post(webhook_session(), f"http://[::1]:{port}/orders")
        assert hook.received == []

        allowed = webhook_session(parse_networks("::1/128"), resolve=resolving("::1"))
        assert post_signed(allowed, f"http://{NAME}:{port}/orders", SECRET, b"{}", 7) == 204
    assert hook.received[0]["headers"]["Host"] == f"{NAME}:{port}"


# https: the TLS server name and the certificate check use the host name, not the address.


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for NAME (openssl, an EC key: quick to make)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
            *("-nodes", "-days", "1", "-subj", f"/CN={NAME}"),
            *("-addext", f"subjectAltName=DNS:{NAME}", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextmanager
def serving_at(host: str, app: Any, context: ssl.SSLContext | None = None) -> Iterator[int]:
    """``app`` on ``host`` (over TLS with a ``context``); yields its port."""
    server = make_server(host, 0, app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def serving_tls(app: Any, cert: Path, key: Path) -> Iterator[tuple[int, list[str]]]:
    """``app`` over TLS on loopback; yields its port and the server names clients sent."""
    names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)
    with serving_at("127.0.0.1", app, context) as port:
        yield port, names


def test_https_checks_the_certificate_against_the_host_name(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate
    hook = Webhook(failures=0)
    with serving_tls(hook, cert, key) as (port, server_names):
        session = webhook_session(LOOPBACK, resolve=resolving("127.0.0.1"))
        session.verify = str(cert)
        assert post_signed(session, f"https://{NAME}:{port}/orders", SECRET, b"{}", 7) == 204

        other = webhook_session(LOOPBACK, resolve=Resolver(other_example=["127.0.0.1"]))
        other.verify = str(cert)
        with pytest.raises(DeliveryFailed, match=r"SSLError"):
            post_signed(other, f"https://other.example:{port}/orders", SECRET, b"{}", 7)

    assert server_names[0] == NAME
    assert [r["headers"]["Host"] for r in hook.received] == [f"{NAME}:{port}"]


# The supplier sender: a refused delivery fails at once, is logged and raises the alert.


def test_a_webhook_to_an_internal_address_fails_at_once_and_alerts_the_office(
    notify: Service, admin: Headers
) -> None:
    hook = Webhook(failures=0)
    with serving(hook) as base:
        deliver(notify, supplier_updated("webhook", f"{base}/orders"))
        deliver(notify, order_placed())
        out = sender(notify, webhook_allowed_networks=())
        assert out.send_due(datetime.now(UTC)) == 0
        assert hook.received == []

        [delivery] = supplier_deliveries(notify)
        detail = notify.client.get(f"/api/v1/supplier-deliveries/{delivery.id}", headers=admin)
        log = detail.get_json()
        assert (log["status"], log["attempts"]) == ("failed", 1)
        [attempt] = log["attempt_log"]
        assert attempt["outcome"] == "failed"
        assert attempt["error"] == "refused: 127.0.0.1 is a loopback address"
        assert out.send_due(datetime.now(UTC)) == 0  # not tried over and over
        health = notify.client.get("/health/ready").get_json()
        assert health["deliveries"] == {"failed_to_suppliers": 1}
        [alert] = alerts([], [{"service": "notify"} | health])
        assert alert["kind"] == "supplier-delivery-failed"

        # The operator allows the network; the admin's retry then reaches the supplier.
        retry = f"/api/v1/supplier-deliveries/{delivery.id}/retry"
        assert notify.client.post(retry, headers=admin).status_code == 200
        assert sender(notify).send_due(datetime.now(UTC)) == 1
    assert [r["valid"] for r in hook.received] == [True]


def test_a_supplier_host_name_resolving_to_a_private_address_is_refused(
    notify: Service, admin: Headers
) -> None:
    resolver = resolving("203.0.114.7", "10.20.30.40")
    deliver(notify, supplier_updated("webhook", f"https://{NAME}/orders"))
    deliver(notify, order_placed())
    webhooks = webhook_session(resolve=resolver)

    out = sender(notify, webhook_allowed_networks=())
    out.webhooks = webhooks
    assert out.send_due(datetime.now(UTC)) == 0

    [delivery] = supplier_deliveries(notify)
    assert delivery.status == "failed" and delivery.next_attempt_at is None
    assert delivery.last_error == (
        f"refused: {NAME} resolves to 10.20.30.40, which is a private address"
    )
    assert resolver.lookups == [NAME]
