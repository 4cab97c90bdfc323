"""storylens: read one news story across all the outlets that tell it."""

from __future__ import annotations

__version__ = "0.1.0"
