"""One root error type; every error names the input it concerns and the reason."""

from __future__ import annotations


class StorylensError(Exception):
    """Root of every error storylens raises on purpose.

    ``source`` names the input (a path, URL, ``file:line``) and ``reason`` says what is wrong with it,
    so the CLI can print one line: ``Error: SOURCE: REASON``.
    """

    def __init__(self, reason: str, source: str | None = None) -> None:
        self.reason = reason
        self.source = source
        super().__init__(f"{source}: {reason}" if source else reason)


class InputError(StorylensError):
    """An input could not be read or holds no article (empty, binary, bad encoding, malformed)."""


class FetchError(InputError):
    """A URL could not be fetched."""


class NotInstalled(StorylensError):
    """An optional dependency or model package is missing; the message names what to install."""

    def __init__(self, what: str, package: str) -> None:
        super().__init__(f"{what} needs the package '{package}' (pip install {package})", source=what)
        self.package = package


class ConfigError(StorylensError):
    """A setting has a value storylens cannot use."""
