"""Who may talk to the app: the Host names it answers (DNS rebinding) and where a write may come from
(cross-site request forgery).

Both are ASGI middleware that refuse with one line (JSON for the API, as every other error) before a
route runs. A page of another site can make a browser send a request to the app, but it cannot
choose the browser's ``Host``, ``Origin`` or ``Sec-Fetch-Site`` headers: those are what is checked.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi.responses import JSONResponse

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

# The names this machine answers to for itself: what a browser on it sends as Host.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# Methods that change something; GET and HEAD only read (the app's GET routes write nothing but caches).
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Sec-Fetch-Site values of a request the app's own pages made ("none": typed or bookmarked by the user).
_OWN_SITE = frozenset({"same-origin", "none"})


def host_name(host: str) -> str:
    """The name part of a Host header or address, lower case, without port or IPv6 brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def allowed_hosts(bind: str | None = None, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """Loopback names, the address the server binds to when it is one address (not 0.0.0.0 or ::),
    and ``extra`` (``--allowed-host``; ``*`` answers any name)."""
    names = [*LOOPBACK_HOSTS, *(host_name(h) for h in extra)]
    if bind:
        try:
            if not ipaddress.ip_address(host_name(bind)).is_unspecified:
                names.append(host_name(bind))
        except ValueError:
            names.append(host_name(bind))  # a name given to --host
    return tuple(dict.fromkeys(names))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _refuse(scope: Scope, receive: Any, send: Any, status: int, message: str) -> None:
    await JSONResponse({"error": message}, status_code=status)(scope, receive, send)


class HostGuard:
    """Answers only requests whose Host header names one of ``hosts``: a page on another site that
    points its own name at 127.0.0.1 (DNS rebinding) sends its own name as Host and is refused."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(host_name(h) for h in hosts)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "*" not in self.hosts:
            host = _header(scope, b"host") or ""
            if host_name(host) not in self.hosts:
                shown = " ".join(host.split())[:100] or "(none)"
                await _refuse(scope, receive, send, 400,
                              f"Host {shown!r} is not served here (start the server with --allowed-host "
                              "NAME to answer to another name)")
                return
        await self.app(scope, receive, send)


def cross_site_reason(scope: Scope) -> str | None:
    """Why a write request came from another site, or None when it came from the app's own pages or
    from a client that is not a browser (no Origin and no Sec-Fetch-Site: curl, scripts, the tests).

    Browsers send Sec-Fetch-Site to loopback and https origins, and Origin on every POST: the real
    one from the app's own pages under the app's Referrer-Policy (same-origin), "null" from another
    site's.
    """
    site = _header(scope, b"sec-fetch-site")
    if site is not None:  # set by the browser alone; a page cannot forge it
        return None if site.strip().lower() in _OWN_SITE else f"a {site.strip()[:20]} request"
    origin = _header(scope, b"origin")
    if origin is None:
        return None
    parts = urlsplit(origin.strip())
    host = _header(scope, b"host") or ""
    if origin.strip() == "null" or parts.netloc.lower() != host.strip().lower() or \
            parts.scheme != scope.get("scheme", "http"):
        return f"sent from {' '.join(origin.split())[:100]!r}"
    return None


class CrossSiteGuard:
    """Refuses writes (POST, PUT, PATCH, DELETE) that a page of another site made the browser send:
    without it, any page a user of the app opens could add articles to the store through /add."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("method") in UNSAFE_METHODS:
            reason = cross_site_reason(scope)
            if reason is not None:
                await _refuse(scope, receive, send, 403,
                              f"cross-site request refused ({reason}); write to the store from this app's own pages")
                return
        await self.app(scope, receive, send)
