"""JSON output: the brief as schema ``storylens.brief/1``."""

from __future__ import annotations

import json

from storylens.model import Brief


def render_json(brief: Brief) -> str:
    """The brief as indented JSON (UTF-8 text kept as is)."""
    return json.dumps(brief.to_dict(), ensure_ascii=False, indent=2)
