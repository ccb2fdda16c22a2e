"""Which addresses a supplier's webhook may reach: public ones only, unless the operator
allows a network (``ZIRKEL_WEBHOOK_ALLOWED_NETWORKS``, e.g. a supplier on the
cooperative's own LAN).

Pure (no lookups: ``ipaddress``, and ``socket.inet_aton`` for the short IPv4
spellings), so catalog refuses a literal address when the URL is entered and notify
refuses every address a host name resolves to before it connects. The ranges are
listed here rather than taken from ``is_private`` and friends, whose answers have
changed between Python releases.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

LOOPBACK = "a loopback address"
PRIVATE = "a private address"
SHARED = "a shared (carrier-grade NAT) address"
LINK_LOCAL = "a link-local address"
UNIQUE_LOCAL = "a unique-local address"
MULTICAST = "a multicast address"
UNSPECIFIED = "an unspecified address"
RESERVED = "a reserved address"

_REFUSED: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", UNSPECIFIED),  # "this network"; 0.0.0.0 reaches the host itself
    ("127.0.0.0/8", LOOPBACK),
    ("10.0.0.0/8", PRIVATE),
    ("172.16.0.0/12", PRIVATE),
    ("192.168.0.0/16", PRIVATE),
    ("100.64.0.0/10", SHARED),
    ("169.254.0.0/16", LINK_LOCAL),  # with the cloud metadata service at 169.254.169.254
    ("192.0.0.0/24", RESERVED),
    ("192.0.2.0/24", RESERVED),
    ("192.88.99.0/24", RESERVED),
    ("198.18.0.0/15", RESERVED),
    ("198.51.100.0/24", RESERVED),
    ("203.0.113.0/24", RESERVED),
    ("224.0.0.0/4", MULTICAST),
    ("240.0.0.0/4", RESERVED),  # with the broadcast address 255.255.255.255
    ("::/128", UNSPECIFIED),
    ("::1/128", LOOPBACK),
    ("::/96", RESERVED),  # IPv4-compatible, deprecated
    ("64:ff9b:1::/48", PRIVATE),  # local-use NAT64
    ("100::/64", RESERVED),  # discard-only
    ("2001::/23", RESERVED),  # IETF protocol assignments, Teredo among them
    ("2001:db8::/32", RESERVED),
    ("3fff::/20", RESERVED),
    ("5f00::/16", RESERVED),
    ("fc00::/7", UNIQUE_LOCAL),
    ("fe80::/10", LINK_LOCAL),
    ("fec0::/10", PRIVATE),  # site-local, deprecated
    ("ff00::/8", MULTICAST),
)
REFUSED_NETWORKS: tuple[tuple[Network, str], ...] = tuple(
    (ip_network(cidr), kind) for cidr, kind in _REFUSED
)
_NAT64 = ip_network("64:ff9b::/96")
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Refusal:
    """Why an address is refused: its kind ("a private address") and, for an IPv6
    address that carries an IPv4 one (mapped, 6to4, NAT64), that IPv4 address."""

    address: Address
    kind: str
    embedded: IPv4Address | None = None

    @property
    def what(self) -> str:
        """The kind, naming the IPv4 address an IPv6 one carries."""
        return self.kind if self.embedded is None else f"{self.kind} (it carries {self.embedded})"

    def __str__(self) -> str:
        return f"{shown(self.address)} is {self.what}"


def refusal(address: Address, allowed: Iterable[Network] = ()) -> Refusal | None:
    """Why a webhook may not reach ``address``, or None when it may."""
    embedded = embedded_ipv4(address)
    allowed = tuple(allowed)
    if _within(address, allowed) or (embedded is not None and _within(embedded, allowed)):
        return None
    if embedded is not None:
        inner = refusal(embedded)
        return None if inner is None else Refusal(address, inner.kind, embedded)
    for network, kind in REFUSED_NETWORKS:
        if address.version == network.version and address in network:
            return Refusal(address, kind)
    if not address.is_global:
        return Refusal(address, RESERVED)
    return None


def shown(address: Address) -> str:
    """The address as people write it: an IPv4-mapped one as ``::ffff:10.0.0.5``."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return str(address)


def embedded_ipv4(address: Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one stands for: IPv4-mapped, 6to4 or NAT64 (64:ff9b::/96)."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def literal_address(host: str) -> Address | None:
    """``host`` as an address when it is written as one, also in the short IPv4 forms
    resolvers still accept (``127.1``, ``2130706433``, ``0x7f.0.0.1``); else None."""
    text = host.strip("[]")
    try:
        return ip_address(text.split("%", 1)[0])
    except ValueError:
        pass
    if not _NUMERIC_HOST.match(text) or not any(c.isdigit() for c in text):
        return None
    try:
        return IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated CIDRs (a bare address is its own /32 or /128); ValueError naming
    the entry that is not a network."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(f"{entry!r} is not a network such as 192.168.10.0/24") from exc
    return tuple(networks)


def _within(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)
