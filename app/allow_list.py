"""Where a webhook may send: an allow-list of `host:port` entries, checked twice.

At creation the URL's host and port (80 or 443 when the URL names none) must be on the list.
At delivery the host is resolved again and the request goes to one resolved address, by
address, so that a name cannot be pointed elsewhere between the check and the connection (DNS
rebinding). An address that is not public (loopback, private, link-local, reserved ...) is
reached only when it is on the list itself, by address and port: a listed *name* never opens
the way to 127.0.0.1 or 10.0.0.0/8. The list is empty by default: no webhook can be created
until the deployment names its receivers (`PLENARY_WEBHOOK_ALLOWED_HOSTS`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefused(Exception):
    """The URL, or the address its host resolves to, is not on the allow-list."""


@dataclass(frozen=True)
class Endpoint:
    host: str  # lower-case name or canonical address text, no brackets
    port: int

    @property
    def is_address(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
        except ValueError:
            return False
        return True

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def _canonical_host(host: str) -> str:
    host = host.strip().lower().removeprefix("[").removesuffix("]")
    try:
        return str(_unmapped(ipaddress.ip_address(host)))
    except ValueError:
        return host.rstrip(".")


def _unmapped(address: Address) -> Address:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_entry(entry: str) -> Endpoint:
    """`host:port`, `[v6]:port`; a port is required (an entry names one receiver)."""
    text = entry.strip()
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{entry!r} is not host:port (e.g. 127.0.0.1:8081, example.org:443)")
    if ":" in host and not (host.startswith("[") and host.endswith("]")):
        raise ValueError(f"{entry!r}: write an IPv6 address in brackets, [::1]:8081")
    return Endpoint(_canonical_host(host), int(port))


def endpoint_of(url: str) -> Endpoint:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as error:
        raise TargetRefused(f"not a valid port: {error}") from None
    host = parts.hostname or ""
    if not host:
        raise TargetRefused("the URL names no host")
    return Endpoint(_canonical_host(host), port or DEFAULT_PORTS.get(parts.scheme, 80))


def _is_public(address: Address) -> bool:
    return address.is_global and not address.is_multicast


class AllowList:
    def __init__(self, entries: Iterable[str]) -> None:
        self.endpoints = frozenset(parse_entry(e) for e in entries)

    def __str__(self) -> str:
        return ", ".join(sorted(map(str, self.endpoints))) or "none"

    def check_url(self, url: str) -> Endpoint:
        """At creation (and again before each delivery): the URL's host and port are listed."""
        endpoint = endpoint_of(url)
        if endpoint not in self.endpoints:
            raise TargetRefused(
                f"Webhooks may not target {endpoint}; allowed: {self} "
                "(setting PLENARY_WEBHOOK_ALLOWED_HOSTS, host:port entries)."
            )
        return endpoint

    def pick_address(self, endpoint: Endpoint, resolved: Iterable[str]) -> Address:
        """At delivery: the first address the host resolves to that may be reached."""
        seen = []
        for text in resolved:
            address = _unmapped(ipaddress.ip_address(text.split("%", 1)[0]))
            if _is_public(address) or Endpoint(str(address), endpoint.port) in self.endpoints:
                return address
            seen.append(str(address))
        raise TargetRefused(
            f"{endpoint.host} resolves to {', '.join(seen) or 'nothing'}, which is not public "
            f"and not on the allow-list by address (allowed: {self})."
        )
