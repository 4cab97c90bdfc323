"""How ``storylens serve`` runs the app: uvicorn with deadlines for slow clients.

uvicorn times out idle keep-alive connections (5 s) but not a client that sends its request slowly:
400 connections each dripping a header line stayed open past 60 s (issue 18, defect 15), and each
holds a socket and memory. :class:`DeadlineH11` closes a connection whose request head is not
complete within ``HEAD_SECONDS``, or whose body arrives slower than ``BODY_MIN_RATE``, the rules of
Apache's mod_reqtimeout (its defaults: ``header=20-40,MinRate=500 body=20,MinRate=500``).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

# Seconds for a request's line and headers to arrive, from the connection or the previous response
# (mod_reqtimeout's header=20). A browser sends them in one packet, at once.
HEAD_SECONDS = 20.0
# Seconds for a body to begin arriving, extended 1 s for every BODY_MIN_RATE bytes received
# (mod_reqtimeout's body=20,MinRate=500): a 20 MB upload may take as long as it keeps 500 B/s.
BODY_SECONDS = 20.0
BODY_MIN_RATE = 500


class DeadlineH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request head and a minimum rate for the body."""

    head_seconds = HEAD_SECONDS
    body_seconds = BODY_SECONDS
    body_min_rate = BODY_MIN_RATE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._cycle: Any = None  # the request whose body is timed
        self._body_start = 0.0
        self._received = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._received += len(data)
        super().data_received(data)
        if self.cycle is not None and self.cycle is not self._cycle:  # a request's head has arrived
            self._cycle, self._body_start, self._received = self.cycle, time.monotonic(), 0
            self._cancel()
            if self.cycle.more_body:
                self._deadline = self.loop.call_later(self.body_seconds, self._check_body)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._wait_head()  # the next request on this connection has the same deadline

    def _wait_head(self) -> None:
        self._cancel()
        self._deadline = self.loop.call_later(self.head_seconds, self._too_slow)

    def _check_body(self) -> None:
        cycle = self._cycle
        if cycle is None or not cycle.more_body or self.transport.is_closing():
            return
        due = self._body_start + self.body_seconds + self._received / self.body_min_rate
        if time.monotonic() < due:
            self._deadline = self.loop.call_later(due - time.monotonic(), self._check_body)
            return
        self._too_slow()

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _cancel(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None


def config(app: Any, host: str, port: int) -> Any:
    """The uvicorn configuration ``storylens serve`` runs with."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", server_header=False, http=DeadlineH11)
