"""The web app: ``create_app(db)`` (FastAPI), served by ``storylens serve``."""

from __future__ import annotations

from .app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
