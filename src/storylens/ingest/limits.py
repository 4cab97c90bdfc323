"""Limits on what one input may ask of extraction and analysis, enforced when an article is made.

Past a limit the input is cut, not refused: HTML at a tag boundary before trafilatura parses it, an
article's text at a sentence end. The cut is recorded in the article's ``removed`` (with the
limit's name) and reported as a :class:`Truncated` notice beside the article, so a reader sees one
line naming the input and the limit. Each limit is a setting (``max_article_chars`` and so on, in
the config file or ``STORYLENS_MAX_ARTICLE_CHARS``...), read when an input is read. The HTML limits
bound the parse whatever the markup's shape; measured before them (one process, 2 shared cores): 1 MB of attributes in one tag took 184 s in
lxml (its duplicate-attribute check is quadratic), 1 MB of ``<p>x</p>`` lines 9-16 s.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..config import Settings, load_settings
from ..errors import InputError
from ..model import Problem

# The defaults; the settings of the same names in lower case (config.py, where each value's origin is
# given) change them.
MAX_HTML_CHARS = Settings.max_html_chars
MAX_HTML_TAGS = Settings.max_html_tags
MAX_TAG_ATTRIBUTES = Settings.max_tag_attributes
MAX_ARTICLE_CHARS = Settings.max_article_chars
MAX_EXTRACT_SECONDS = Settings.max_extract_seconds

_TAG_START = re.compile(r"<[a-zA-Z!/?]")
# A tag long enough to be worth counting its attributes: a shorter one holds at most ~660 (3 characters
# each, ` a=`), too few to cost the parser anything. The name is possessive (no backtracking into it),
# so the scan stays linear on a long run of letters.
_LONG_TAG = re.compile(r"<([a-zA-Z][^\s<>/]*+)([^<>]{2000,})")
_ATTRIBUTE = re.compile(r"""[\s"'][^\s=<>"'/]+\s*=""")
# A place to end a cut article: after a sentence's final punctuation (and closing quotes), or a break.
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s)|\n")


@dataclass
class Truncated(Problem):
    """An input cut at a limit: the article is kept (``kept``), its tail is not read."""

    kept = True


def _setting(name: str) -> int:
    """A limit's value from the settings (config file, STORYLENS_* environment, else the default)."""
    return int(getattr(load_settings(), name))


def _cut_html_size(html: str, notes: list[str]) -> str:
    limit = _setting("max_html_chars")
    if len(html) > limit:
        at = html.rfind("<", 0, limit)
        html = html[:at if at > 0 else limit]
        notes.append(f"HTML cut at {limit:,} characters (max_html_chars)")
    return html


def _cut_html_tags(html: str, notes: list[str]) -> str:
    limit = _setting("max_html_tags")
    for n, m in enumerate(_TAG_START.finditer(html), 1):
        if n > limit:
            notes.append(f"HTML cut at {limit:,} tags (max_html_tags)")
            return html[:m.start()]
    return html


def _strip_crowded_tags(html: str, notes: list[str]) -> str:
    limit = _setting("max_tag_attributes")
    pieces, last, stripped = [], 0, 0
    for m in _LONG_TAG.finditer(html):
        if len(_ATTRIBUTE.findall(m.group(2))) > limit:
            pieces += [html[last:m.start()], "<", m.group(1)]
            last, stripped = m.end(), stripped + 1
    if not stripped:
        return html
    notes.append(f"attributes dropped from {stripped:,} tag{'s' if stripped > 1 else ''} with more than "
                 f"{limit} (max_tag_attributes)")
    return "".join([*pieces, html[last:]])


def bound_html(html: str) -> tuple[str, list[str]]:
    """The HTML within the limits, and a note per limit it passed (empty when none)."""
    notes: list[str] = []
    html = _strip_crowded_tags(_cut_html_tags(_cut_html_size(html, notes), notes), notes)
    return html, notes


def bound_text(text: str, limit: int | None = None) -> tuple[str, str | None]:
    """The text cut to at most ``limit`` characters (default: the ``max_article_chars`` setting) at
    the last sentence end (else line break, else space) before it, and a note naming the limit; the
    text itself and None when it is within."""
    limit = limit or _setting("max_article_chars")
    if len(text) <= limit:
        return text, None
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, limit - 20_000), limit)]
    at = ends[-1] if ends else text.rfind(" ", 0, limit)
    return text[:at if at > 0 else limit].rstrip(), (
        f"text cut at a sentence end before {limit:,} characters (max_article_chars)")


def removed_entry(note: str, tail: str) -> dict[str, str]:
    """What ``Article.removed`` records for a cut: where the cut tail starts, and the limit."""
    start = " ".join(tail[:80].split())
    return {"line": f"{start}… ({len(tail):,} characters)" if tail else "(markup)", "reason": note,
            "limit": "yes"}


def truncation_notes(removed: list[dict[str, str]]) -> list[str]:
    """The limit notes recorded in an article's ``removed``."""
    return [r["reason"] for r in removed if r.get("limit")]


class _Overtime(BaseException):
    """Raised by the alarm inside extraction; a BaseException, so the ``except Exception`` of a
    parser (ours in html._extract, or trafilatura's own) cannot swallow it."""


def _overtime(limit: float) -> str:
    return f"extraction stopped after {limit:g} s (max_extract_seconds); skipped"


@contextmanager
def extraction_time(source: str) -> Iterator[None]:
    """Bound the wall-clock time of one input's extraction by the ``max_extract_seconds`` setting
    (0: no limit); past it, InputError naming the input and the limit (the input is skipped).

    In the main thread (the CLI, the API called from a script) an alarm signal stops the work when
    the limit passes: Python code is interrupted between bytecodes, a C call (one lxml parse) when it
    returns. Elsewhere (the web app's ingest worker, a caller's thread pool) no signal can reach the
    thread, so the time is checked when extraction ends and an input over the limit is skipped then.
    """
    limit = float(_setting_float("max_extract_seconds"))
    alarm = (limit > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
             and signal.getitimer(signal.ITIMER_REAL)[0] == 0)  # never take over someone else's timer
    if not alarm:
        start = time.monotonic()
        yield
        if limit > 0 and time.monotonic() - start > limit:
            raise InputError(_overtime(limit), source)
        return

    def ring(signum: int, frame: object) -> None:
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    except _Overtime:
        raise InputError(_overtime(limit), source) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _setting_float(name: str) -> float:
    return float(getattr(load_settings(), name))
