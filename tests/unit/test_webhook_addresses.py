"""Which addresses a supplier's webhook may reach (shared.webhook_addresses)."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from catalog.domain.model import webhook_address_problem, webhook_problem
from shared.settings import Settings, SettingsError
from shared.webhook_addresses import (
    LINK_LOCAL,
    LOOPBACK,
    MULTICAST,
    PRIVATE,
    RESERVED,
    SHARED,
    UNIQUE_LOCAL,
    UNSPECIFIED,
    literal_address,
    parse_networks,
    refusal,
)

REFUSED = {
    "127.0.0.1": LOOPBACK,
    "127.255.0.9": LOOPBACK,
    "::1": LOOPBACK,
    "10.0.0.5": PRIVATE,
    "172.16.0.1": PRIVATE,
    "172.31.255.254": PRIVATE,
    "192.168.178.1": PRIVATE,
    "100.64.0.1": SHARED,
    "100.127.255.254": SHARED,
    "169.254.169.254": LINK_LOCAL,  # the cloud metadata service
    "169.254.0.1": LINK_LOCAL,
    "fe80::1": LINK_LOCAL,
    "febf::1": LINK_LOCAL,
    "fc00::1": UNIQUE_LOCAL,
    "fd12:3456:789a::1": UNIQUE_LOCAL,
    "224.0.0.251": MULTICAST,
    "239.255.255.250": MULTICAST,
    "ff02::1": MULTICAST,
    "0.0.0.0": UNSPECIFIED,
    "0.1.2.3": UNSPECIFIED,
    "::": UNSPECIFIED,
    "240.0.0.1": RESERVED,
    "255.255.255.255": RESERVED,
    "192.0.2.10": RESERVED,
    "198.18.0.1": RESERVED,
    "2001:db8::1": RESERVED,
    "100::1": RESERVED,
}


@pytest.mark.parametrize(("address", "kind"), REFUSED.items())
def test_internal_addresses_are_refused_with_their_kind(address: str, kind: str) -> None:
    refused = refusal(ip_address(address))

    assert refused is not None and refused.kind == kind
    assert str(refused) == f"{address} is {kind}"


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "93.184.215.14", "172.32.0.1", "100.128.0.1", "2a00:1450:4001:82b::200e"],
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ip_address(address)) is None


@pytest.mark.parametrize(
    ("address", "carried", "kind"),
    [
        ("::ffff:10.0.0.5", "10.0.0.5", PRIVATE),
        ("::ffff:127.0.0.1", "127.0.0.1", LOOPBACK),
        ("::ffff:169.254.169.254", "169.254.169.254", LINK_LOCAL),
        ("2002:a00:5::1", "10.0.0.5", PRIVATE),  # 6to4
        ("64:ff9b::7f00:1", "127.0.0.1", LOOPBACK),  # NAT64
    ],
)
def test_ipv6_addresses_carrying_an_internal_ipv4_address_are_refused(
    address: str, carried: str, kind: str
) -> None:
    refused = refusal(ip_address(address))

    assert refused is not None and refused.kind == kind
    assert str(refused.embedded) == carried
    assert f"(it carries {carried})" in str(refused)


def test_a_mapped_address_reads_as_people_write_it() -> None:
    refused = refusal(ip_address("::ffff:10.0.0.5"))

    assert str(refused) == "::ffff:10.0.0.5 is a private address (it carries 10.0.0.5)"


def test_a_mapped_public_address_passes() -> None:
    assert refusal(ip_address("::ffff:8.8.8.8")) is None


def test_allowed_networks_let_the_operator_reach_their_own_lan() -> None:
    lan = parse_networks("192.168.10.0/24, 127.0.0.1/32")

    assert refusal(ip_address("192.168.10.20"), lan) is None
    assert refusal(ip_address("127.0.0.1"), lan) is None
    assert refusal(ip_address("::ffff:192.168.10.20"), lan) is None  # the same host
    refused = refusal(ip_address("192.168.11.20"), lan)
    assert refused is not None and refused.kind == PRIVATE
    assert refusal(ip_address("127.0.0.2"), lan) is not None
    assert refusal(ip_address("::1"), lan) is not None  # an IPv4 network allows no IPv6


def test_allowed_ipv6_networks() -> None:
    assert refusal(ip_address("fd00:7::5"), parse_networks("fd00:7::/64")) is None
    assert refusal(ip_address("fd00:8::5"), parse_networks("fd00:7::/64")) is not None


def test_networks_are_read_from_the_setting() -> None:
    def read(value: str) -> Settings:
        env = {"ZIRKEL_SECRET_KEY": "x" * 32, "ZIRKEL_WEBHOOK_ALLOWED_NETWORKS": value}
        return Settings.from_env(env)

    assert Settings.from_env({"ZIRKEL_SECRET_KEY": "x" * 32}).webhook_allowed_networks == ()
    assert read("").webhook_allowed_networks == ()
    assert [str(n) for n in read(" 10.1.0.0/16 ,, 10.2.0.7 ").webhook_allowed_networks] == [
        "10.1.0.0/16",
        "10.2.0.7/32",
    ]
    with pytest.raises(SettingsError, match=r"'10.0.0.0/33' is not a network"):
        read("10.0.0.0/33")
    with pytest.raises(SettingsError, match=r"'intranet' is not a network"):
        read("10.0.0.0/8,intranet")


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("10.0.0.5", "10.0.0.5"),
        ("::1", "::1"),
        ("[::1]", "::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("127.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
    ],
)
def test_literal_addresses_are_recognised_in_every_spelling(host: str, address: str) -> None:
    assert literal_address(host) == ip_address(address)


@pytest.mark.parametrize("host", ["erp.ruhr.example", "deadbeef.de", "localhost", "10.example"])
def test_host_names_are_not_addresses(host: str) -> None:
    assert literal_address(host) is None


def test_catalog_refuses_a_webhook_url_with_credentials_or_without_http() -> None:
    secret = "s" * 16
    for url in ("https://ruhr:geheim@erp.ruhr.example/", "ftp://erp.ruhr.example/", "https://"):
        problem = webhook_problem("webhook", url, secret)
        assert problem is not None and problem.field == "webhook_url", url
    assert webhook_problem("webhook", "https://erp.ruhr.example/orders", secret) is None


def test_catalog_refuses_a_literal_internal_address_unless_its_network_is_allowed() -> None:
    lan = parse_networks("192.168.10.0/24")

    assert webhook_address_problem("http://192.168.10.20/") == (
        "Orders are not sent to a private address."
    )
    assert webhook_address_problem("http://192.168.10.20/", lan) is None
    assert webhook_address_problem("http://[fe80::1]/", lan) == (
        "Orders are not sent to a link-local address."
    )
    assert webhook_address_problem("https://intern.ruhr.example/") is None  # notify checks it
