"""Sending one signed request: target checks (SSRF), no redirects, a timeout and a cap on the response read."""

import ipaddress
import logging
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from hireloop import __version__

# Every delivery is in the delivery log; httpx's per-request INFO line would flood the worker's output.
logging.getLogger("httpx").setLevel(logging.WARNING)

MAX_RESPONSE_BYTES = 64 * 1024  # read at most this much of a receiver's answer
STORED_RESPONSE_CHARS = 2000  # and keep this much of it in the delivery log


class TargetRefused(Exception):
    """The URL may not receive webhooks (scheme, or an address inside the network)."""


@dataclass
class Response:
    status_code: int | None
    latency_ms: int
    body: str
    error: str = ""

    @property
    def is_success(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_target(url: str) -> None:
    """Refuse non-http(s) URLs, and (unless WEBHOOK_ALLOW_PRIVATE_TARGETS) private targets after DNS resolution.

    Plain http is only accepted to private targets when they are allowed (local development);
    public receivers must use https.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("The URL must be an http(s) URL with a host.")
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_TARGETS
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("The URL's port is not valid.") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"The host {parts.hostname} cannot be resolved.") from None
    addresses = {info[4][0] for info in infos}
    private = any(_is_private(address) for address in addresses)
    if private and not allow_private:
        raise TargetRefused(
            f"The host {parts.hostname} resolves to a private, loopback or link-local address; "
            "set WEBHOOK_ALLOW_PRIVATE_TARGETS to allow it."
        )
    if parts.scheme == "http" and not (private and allow_private):
        raise TargetRefused("The URL must use https.")


_local = threading.local()


def _client() -> httpx.Client:
    # One client per thread keeps connections to receivers alive between deliveries.
    client = getattr(_local, "client", None)
    if client is None:
        client = httpx.Client(
            follow_redirects=False,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            headers={"user-agent": f"Hireloop-Webhooks/{__version__}"},
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=20),
        )
        _local.client = client
    return client


def post(url: str, *, body: str, headers: dict[str, str]) -> Response:
    """POST `body` once; never raises for network problems (they are reported in Response.error)."""
    started = time.monotonic()
    try:
        check_target(url)
    except TargetRefused as exc:
        return Response(status_code=None, latency_ms=0, body="", error=str(exc))
    try:
        with _client().stream(
            "POST", url, content=body.encode(), headers={"content-type": "application/json", **headers}
        ) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= MAX_RESPONSE_BYTES:
                    break
            text = b"".join(chunks)[:MAX_RESPONSE_BYTES].decode("utf-8", errors="replace")
            status = response.status_code
    except httpx.TimeoutException:
        return Response(None, _ms(started), "", error="Timed out")
    except httpx.HTTPError as exc:
        return Response(None, _ms(started), "", error=f"{type(exc).__name__}: {exc}"[:500])
    return Response(status, _ms(started), text[:STORED_RESPONSE_CHARS])


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
