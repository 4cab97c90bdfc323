"""Boilerplate removal for plain text and for text extracted from HTML.

Scraped articles carry residue around the real prose: section tags, bylines, photo captions,
promo headlines in capitals, "read more" links, related-link blocks, author boxes, comment prompts,
copyright lines, stray HTML/CSS. Cleaning works line by line (one line = one paragraph) with general
signals only: the line's shape (does it end like a sentence, is it all capitals, how long is it),
its position (head block before the first paragraph of prose, tail after the last), and patterns
that are boilerplate on any site. Each removed line is kept in ``removed`` with its reason, so a
reader can see what was taken out.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# A line "ends like a sentence" when its last visible character closes a sentence (optionally
# followed by closing quotes/brackets). Lines that do not are headings, tags, captions or links.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s*$|[\"”’»]\s*$")
_HTML_RESIDUE = re.compile(
    r"(?:\bclass\s*=|\bstyle\s*=|\bhref\s*=|\bsrc\s*=|</?[a-z][a-z0-9]*[\s>/]|/>|^\s*[\"”]?>\s*$"
    r"|[{};]\s*$|^\s*[.#][\w-]+\s*\{|&nbsp;|&amp;|&#\d+;)",
    re.IGNORECASE,
)
# Photo credits at the end of a caption: "(Name/Agency)", "(... via AP)", "(Photo: ...)".
_CAPTION_CREDIT = re.compile(
    r"\((?=[^()]*(?:/|\bvia\b|\bgetty\b|\bimages?\b|\bphoto\b|\bpool\b|\bafp\b|\bap\b|\breuters\b"
    r"|\bshutterstock\b|\bepa\b|\bcredit\b))[^()]{3,120}\)\s*$",
    re.IGNORECASE,
)
# "Published: ...", "Updated on June 3, 2023 10:41 ET". Only short lines: "Published on Monday, the
# report found ..." and "Posted on social media by ..." are prose (the extraction benchmark lost
# such paragraphs when any length matched).
_STAMP = re.compile(r"^\W*(?:published|updated|posted|last updated)\b\s*(?::|on\b|$)", re.IGNORECASE)
MAX_STAMP_WORDS = 15


def _is_stamp(line: str) -> bool:
    """A date stamp carries a date or time (digits), is short, and is no sentence of prose."""
    n = len(_words(line))
    return any(c.isdigit() for c in line) and n <= MAX_STAMP_WORDS and (n <= 8 or not _SENTENCE_END.search(line))


_BOILERPLATE_LINE = re.compile(
    r"^\s*(?:"
    r"read (?:more|also|next)\b|also read\b|see also\b|more (?:about|from|on)\b|related(?: posts| articles| stories| coverage)?\b"
    r"|recommended\b|trending\b|watch\b:|listen\b:|advertisement\b|sponsored\b|share (?:this|on)\b"
    r"|(?:sign up|subscribe)\b|click here\b|leave a (?:reply|comment)\b|post a comment\b|comments?\b\s*$"
    r"|your email address\b|required fields\b|(?:©|\(c\)\s|copyright\b)|all rights reserved\b"
    r"|(?:photo|image|source|sources|credit|credits|video|follow(?: us)?)\s*:"
    r")",
    re.IGNORECASE,
)
_CONTRIBUTOR = re.compile(
    r"\b(?:contributed (?:to )?(?:this|the) (?:report|story|article)|reporting by|editing by|additional reporting"
    r"|writing by|compiled by)\b",
    re.IGNORECASE,
)
_AUTHOR_BOX = re.compile(
    r"^(?:(?:I am|I'm|About the author)\b.{0,80}\b(?:journalist|writer|reporter|editor|correspondent|author)"
    r"|(?:[A-Z][\w.'’-]+ ){1,3}is an? (?:[\w-]+ ){0,4}(?:reporter|writer|journalist|correspondent|editor"
    r"|contributor|producer|columnist|intern)\b)",
)
_BYLINE = re.compile(
    r"^\s*by\s+(?P<author>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})"
    r"(?:\s*(?:\||,|-|–|—|for)\s*(?P<outlet>[A-Z][\w.&'’ -]{1,40}?))?\s*$",
    re.IGNORECASE,
)
_LINK_RESIDUE = re.compile(r"^\s*\(\s*[–—-]\s*")  # "( – " left where a source link was stripped
# A dateline opening the first paragraphs: a place in capitals, maybe its state or country, maybe an
# agency in brackets, and a dash ("DENVER (AP) — ", "KATHMANDU, Nepal (Reuters) - ", "DALLAS--"). The
# text after it must open like a sentence; "US - China talks" (a place of two letters) is not one.
_DATELINE = re.compile(
    r"^(?P<tag>(?P<place>[A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,3})(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?"
    r"\s*(?:\([A-Za-z][A-Za-z .&-]{1,24}\))?\s*(?:--|—|–|\s-\s))\s*(?=[A-Z0-9\"“‘'])")
# Paragraphs from the top of the body in which a dateline is looked for (Multi-News: always the first
# paragraph of an article; a second story pasted after the first opens a later one).
DATELINE_LINES = 3
# AP's photo captions in the body: "FILE - In this Feb. 11, 2007, file photo, ..."
_FILE_PHOTO = re.compile(r"^FILE\s*[-–—]\s*(?:In this|This)\b.{0,200}\bphoto\b", re.IGNORECASE)
# A news-agency tag after the last sentence of a paragraph: "... the harbour reopened. (SDA)", "(AP)".
_AGENCY_TAG = re.compile(r"(?<=[.!?\"”’])\s*\((?:[A-Z][A-Za-z]{0,11}(?:[ /-][A-Z][A-Za-z]{0,11}){0,2})\)\s*$")
_INNER_SENTENCE_END = re.compile(r"[.!?][\"'”’]?\s+[A-Z\"“‘']")
_AUTHOR_SELF = re.compile(r"^(?:I am|I'm)\s+(?P<author>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})\b")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

# A head or tail line needs at least this many words to count as prose; set by reading the seed
# story and Multi-News residue: section tags, names and link titles run 1-8 words.
_MIN_PROSE_WORDS = 8
# A headline runs at most this many words: titles of the NeuS and WikiRef220 articles have a median
# of 9-11 words, 99% have at most 21, the longest 34. A longer head line is prose, not a title
# (one-line texts from SemEval-2022 were taken whole as a title and then dropped as its repeat).
_MAX_TITLE_WORDS = 40
# Share of capital letters above which a line is a shouted promo headline (promo lines are ~100%;
# ordinary prose with acronyms stays under 30%).
_CAPS_SHARE = 0.8


@dataclass
class Cleaned:
    """The result of cleaning: title, body text (paragraphs joined by blank lines) and what went."""

    title: str
    text: str
    author: str | None = None
    outlet: str | None = None
    removed: list[dict[str, str]] = field(default_factory=list)


def normalize_line(line: str) -> str:
    """Normalise Unicode and white space inside one line."""
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t\r\f\v]+", " ", line).strip()


def fold(s: str) -> str:
    """Case- and punctuation-insensitive key for comparing lines."""
    return re.sub(r"[\W_]+", " ", s.casefold()).strip()


@functools.lru_cache(maxsize=4096)
def _words(line: str) -> list[str]:
    """The words of a line (cached: one line is asked about by several rules in a row)."""
    return _WORD.findall(line)


def is_sentence_like(line: str) -> bool:
    """True when the line reads like prose: ends like a sentence and has enough words."""
    return bool(_SENTENCE_END.search(line)) and len(_words(line)) >= 4


def _is_shouting(line: str) -> bool:
    upper = sum(map(str.isupper, line))
    if upper < 0.8 * 12:  # cannot reach 12 letters at the capitals share: not shouting
        return False
    letters = upper + sum(map(str.islower, line))
    if letters < 12 or len(_words(line)) < 3:
        return False
    return upper / letters >= _CAPS_SHARE


def _is_paragraph(line: str) -> bool:
    """A long line with sentence breaks inside is prose even if its end was mangled."""
    return len(_words(line)) >= 2 * _MIN_PROSE_WORDS and bool(_INNER_SENTENCE_END.search(line))


def line_reason(line: str, title: str = "") -> str | None:
    """Why this line is boilerplate wherever it stands, or None when it may be article text."""
    if not _words(line):
        return "no words"
    if title and fold(line) == fold(title):
        return "repeated title"
    if _HTML_RESIDUE.search(line) and not is_sentence_like(_HTML_RESIDUE.sub(" ", line)):
        return "HTML/CSS residue"
    if _BOILERPLATE_LINE.search(line):
        return "boilerplate pattern"
    if _STAMP.search(line) and _is_stamp(line):
        return "date stamp"
    if _BYLINE.match(line):
        return "byline"
    if _CONTRIBUTOR.search(line) and len(_words(line)) <= 25:
        return "contributor line"
    if _AUTHOR_BOX.search(line):
        return "author box"
    if _CAPTION_CREDIT.search(line) or _FILE_PHOTO.search(line):
        return "photo caption"
    if _is_shouting(line):
        return "promo headline in capitals"
    if not _SENTENCE_END.search(line) and not _is_paragraph(line):
        return "not a sentence (heading, tag, caption or link)"
    if len(_words(line)) < 4:
        return "too short to be prose"
    return None


def pick_title(lines: list[str]) -> str:
    """The headline: the first head line shaped like one (several words, no closing period).

    Text that opens straight into prose has no headline: "" then, so the lead paragraph is never
    taken for a title and dropped from the body (it was, for 418 of 638 Multi-News articles).
    """
    head: list[str] = []
    for line in lines:
        if is_sentence_like(line) and len(_words(line)) >= _MIN_PROSE_WORDS:
            break
        head.append(line)
    for line in head:
        n = len(_words(line))
        if 4 <= n <= _MAX_TITLE_WORDS and not line.rstrip().endswith(".") and line_reason(line) in (
            None, "not a sentence (heading, tag, caption or link)"):
            return line
    return ""


# What line_reason may say of a real headline: it does not end like a sentence, and a short one
# ("Mayor meets strikers") is below the prose floor; anything else it names is boilerplate.
_HEADLINE_REASONS = (None, "not a sentence (heading, tag, caption or link)", "too short to be prose")


# A story's title has at most this many words: 99% of the NeuS and WikiRef220 headlines do (above); the
# lines longer than that which the cleaner took for titles of Multi-News articles were leads and video
# captions ("Former runner-up ... was awarded the crown ... (Published Friday, ...)", 30 words), and
# the 1% of real headlines it refuses leave the story the headline of another outlet
# (benchmarks/bench_titles.py: 9 of 921 NeuS titles, no story left without one).
HEADLINE_MAX_WORDS = 21
# An address in a title is a reporter's contact line, not a headline (one Multi-News "title" was an
# e-mail address and a handle in brackets).
# So is a time stamp ("Published 3 hours ago", "Updated: 10:42"), which the body rules drop as no sentence.
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+\.\w|https?://|\bwww\.|^\W*(?:published|updated|posted|last updated)\b"
                      r"\s*(?::|on\b|at\b|\d|$)|\bago\W*$", re.IGNORECASE)


def is_headline(title: str) -> bool:
    """Whether an article's title reads as a headline: 3 to HEADLINE_MAX_WORDS words (a lead sentence or a
    caption taken for a title runs longer) and nothing the cleaner calls boilerplate ("Add a location to
    your Tweets", "Published 3 hours ago", a caption credit, a promo line in capitals)."""
    line = normalize_line(title or "")
    return 3 <= len(_words(line)) <= HEADLINE_MAX_WORDS and line_reason(line) in _HEADLINE_REASONS \
        and not _CONTACT.search(line)


NOT_SENTENCE = "not a sentence (heading, tag, caption or link)"
# A line ending with a colon introduces what follows when it has this many words: "Read more:", "Follow
# us:", "UPDATE:" and section tags run 1-4 words; the lead-ins that bench_cleaning.py's sample of removed
# Multi-News lines held ("... also raised a legitimate point:") ran 7-12.
MIN_LEAD_IN_WORDS = 6


def _leads_in(line: str) -> bool:
    """A sentence of prose that ends with a colon, not in capitals, not a link or a tag."""
    return line.rstrip().endswith(":") and len(_words(line)) >= MIN_LEAD_IN_WORDS and not _is_shouting(line) \
        and "://" not in line


def _between_prose(reasons: list[str | None], k: int) -> bool:
    """Whether line k, a short sentence, stands between two lines of prose (a paragraph of its own in
    the body, not a tag or a prompt in the head or tail, which are mostly not sentences anyway)."""
    return 0 < k < len(reasons) - 1 and reasons[k - 1] is None and reasons[k + 1] is None


def _trim_dateline(line: str, removed: list[dict[str, str]]) -> str:
    """The line without its opening dateline (kept in ``removed``), or as it is."""
    m = _DATELINE.match(line)
    if m is None or m.group("place").rstrip(".") == "FILE" or len(line) - m.end() < 20:
        return line
    removed.append({"line": m.group("tag").strip(), "reason": "dateline"})
    return line[m.end():]


def _byline_fields(lines: list[str]) -> tuple[str | None, str | None]:
    for line in lines:
        m = _BYLINE.match(line)
        if m:
            outlet = (m.group("outlet") or "").strip() or None
            return m.group("author").strip(), outlet
    return None, None


def _self_named_author(lines: list[str]) -> str | None:
    for line in lines:
        m = _AUTHOR_SELF.match(line)
        if m and _AUTHOR_BOX.search(line):
            return m.group("author")
    return None


def clean_text(raw: str, *, title: str | None = None) -> Cleaned:
    """Clean one article given as plain text (one paragraph per line).

    When ``title`` is None the title is taken from the head of the text; otherwise every line equal
    to it is dropped as a repeated title.
    """
    lines = [_AGENCY_TAG.sub("", normalize_line(x)) for x in raw.splitlines()]
    lines = [x for x in lines if x]
    if title is None:
        title = pick_title(lines)
    author, outlet = _byline_fields(lines[:12])
    kept: list[str] = []
    removed: list[dict[str, str]] = []
    reasons = [line_reason(line, title) for line in lines]
    for k, line in enumerate(lines):
        reason = reasons[k]
        if reason is None and author and fold(line).startswith(fold(author)) and len(_words(line)) <= 12:
            reason = "author line"
        if reason == "too short to be prose" and _between_prose(reasons, k):
            reason = None  # "Lawford was 63." between two paragraphs is the article's own sentence
        if reason == NOT_SENTENCE and _leads_in(line) and k + 1 < len(lines) and reasons[k + 1] is None:
            reason = None  # "The minister put it plainly:" before the paragraph it introduces
        if reason:
            removed.append({"line": line, "reason": reason})
            continue
        line = _LINK_RESIDUE.sub("", line)
        if len(kept) < DATELINE_LINES:
            line = _trim_dateline(line, removed)
        kept.append(line)
    author = author or _self_named_author(lines[-12:])
    return Cleaned(title=normalize_line(title or ""), text="\n\n".join(kept), author=author, outlet=outlet,
                   removed=removed)


def headline_only(title: str | None, body: str) -> bool:
    """Whether an item with this title and cleaned body is a headline-only article: a title with words
    and a body shorter than it (none, or a teaser line shorter than the headline). Headline feeds and
    aggregator exports carry such items; the item is kept, clustered on its title (issue 16), instead
    of being dropped for having no text left."""
    title = normalize_line(title or "")
    return bool(_words(title)) and len(body.strip()) < len(title)


# Characters no article holds on purpose and that break encoders downstream: lone surrogates (no UTF-8
# form: spaCy, the JSON writer and SQLite raise on them), NUL and the C0/C1 controls other than tab,
# newline, carriage return and form feed, and the Unicode noncharacters.
_INVALID = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
REPLACEMENT = "\ufffd"
INVALID_REASON = "invalid characters (lone surrogates, control characters) replaced with U+FFFD"


def scrub(text: str) -> tuple[str, int]:
    """``text`` with every invalid character replaced by U+FFFD, and how many were replaced."""
    return _INVALID.subn(REPLACEMENT, text)


# ------------------------------------------------------------------------- boilerplate by repetition
# Two articles are unrelated when the tf-idf cosine of their words, the lines they share left out, is under
# this: 99.1% of the pairs of articles from different Multi-News validation clusters are, and 27% of the
# pairs within one (the clusters hold pages that are about something else: error pages, other stories).
UNRELATED_COSINE = 0.1
# ... and the share of the smaller one's distinct content words that the other has too is under this: a
# short article quoting a long one has a low cosine with it but most of its words in it. 95.7% of the
# cross-cluster pairs of Multi-News validation (of 20+ words) are under 0.2, 28% of the within-cluster pairs.
UNRELATED_OVERLAP = 0.2
# Below this many words (of 3+ letters) left beside the shared lines, an article is all but those lines:
# its words cannot say what it is about. Multi-News holds such pages (an archive notice and nothing else,
# 10-15 of them across clusters); a wire paragraph shared by two short articles is the same shape.
MIN_OTHER_WORDS = 20
# So for such articles a shared line is boilerplate when this many articles hold it: the archive and
# tweet-widget notices of Multi-News are in 7-15 articles, a wire paragraph in the 2-3 outlets of a story.
MIN_HOLDERS_BARE = 4
# Articles holding one repeated line that are compared pair by pair: a widget line in thousands of
# articles is decided on its first few, and the cost stays linear in the batch.
MAX_HOLDERS = 8
# Holders of one line looked at for an article that is no copy of the first (``COPY_SHARE``): enough
# for a notice saved alone on many pages and also under real articles, still linear in the batch.
MAX_SCAN = 64
# A repeated line is boilerplate only with this many words: two unrelated articles may both print a
# one-word line of their own ("Advertisement" is caught by the patterns anyway).
MIN_REPEATED_WORDS = 2
# Two articles are copies of one article (a syndicated story, a page saved twice) when the lines they
# share hold at least this many content words and at least COPY_SHARE of the smaller one's: their
# shared lines are the article itself, never boilerplate. Without it every line of a story that 4+
# outlets print word for word was removed as repeated and the copies skipped (2,164 of the 9,982
# articles of the bench_scale corpus). 50 words is above a notice page (the archive and widget
# notices of Multi-News are 15-40 words) and below a short wire story.
MIN_COPY_WORDS = 50
COPY_SHARE = 0.5
REPEATED_REASON = "repeated in unrelated articles (boilerplate by repetition)"
REPEATED_ONLY = "no article text left after cleaning: every line is repeated in unrelated articles"
_PARAGRAPH = re.compile(r"[^\n]+")
_CONTENT_WORD = re.compile(r"(?u)\b[^\W\d_]{3,}\b")


def repeated_lines(texts: dict[str, str]) -> dict[str, set[str]]:
    """Per text id, the lines (folded, see ``fold``) that are boilerplate by repetition: the same line in
    two texts that are otherwise unrelated (share buttons, tweet widgets, archive notices, photo
    credits). A line that related texts share (a wire paragraph two outlets print) stays."""
    holders: dict[str, list[str]] = {}
    for tid, text in texts.items():
        for key in dict.fromkeys(fold(m.group()) for m in _PARAGRAPH.finditer(text)):
            if len(key.split()) >= MIN_REPEATED_WORDS:
                holders.setdefault(key, []).append(tid)
    shared = {k: ids for k, ids in holders.items() if len(ids) > 1}
    if not shared:
        return {}
    rest = {tid: " ".join(m.group() for m in _PARAGRAPH.finditer(texts[tid]) if fold(m.group()) not in shared)
            for tid in {t for ids in shared.values() for t in ids}}
    cos, overlap = _cosines(rest), _overlaps(rest)
    bare = {tid for tid, text in rest.items() if len(_CONTENT_WORD.findall(text)) < MIN_OTHER_WORDS}
    copies = _copies(texts, shared)
    out: dict[str, set[str]] = {}
    for key, ids in shared.items():
        some = ids[:MAX_HOLDERS]
        pairs = [(a, b) for i, a in enumerate(some) for b in some[i + 1:] if not copies(a, b)]
        unrelated = any(a not in bare and b not in bare and cos(a, b) < UNRELATED_COSINE
                        and overlap(a, b) < UNRELATED_OVERLAP for a, b in pairs)
        # holders that are all copies of one article are that article, printed by four outlets word
        # for word, not a line four unrelated pages repeat: the line must also stand in an article that
        # is no copy of them (an archive notice both alone on pages and under real articles)
        scan = ids[:MAX_SCAN]
        other = any(not copies(scan[0], t) for t in scan[1:])
        if unrelated or (len(ids) >= MIN_HOLDERS_BARE and other and any(t in bare for t in ids)):
            for tid in ids:
                out.setdefault(tid, set()).add(key)
    return out


def _copies(texts: dict[str, str], shared: dict[str, list[str]]) -> Any:
    """copies(a, b): are two texts one article printed twice (see ``MIN_COPY_WORDS``)?"""
    weight = {k: len(_CONTENT_WORD.findall(k)) for k in shared}
    keys: dict[str, set[str]] = {}
    for k, ids in shared.items():
        for t in ids:
            keys.setdefault(t, set()).add(k)
    size = {t: len(_CONTENT_WORD.findall(texts[t])) for t in keys}

    def copies(a: str, b: str) -> bool:
        common = sum(weight[k] for k in keys[a] & keys[b])
        return common >= MIN_COPY_WORDS and common >= COPY_SHARE * min(size[a], size[b])

    return copies


def _overlaps(texts: dict[str, str]) -> Any:
    """overlap(a, b): the share of the smaller text's distinct content words (no stop words) in the other."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = {t: {w.lower() for w in _CONTENT_WORD.findall(x)} - ENGLISH_STOP_WORDS for t, x in texts.items()}
    return lambda a, b: len(words[a] & words[b]) / max(1, min(len(words[a]), len(words[b])))


def _cosines(texts: dict[str, str]) -> Any:
    """cos(a, b): the tf-idf cosine of two texts' words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = sorted(texts)
    row = {tid: k for k, tid in enumerate(ids)}
    try:
        matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", token_pattern=_CONTENT_WORD.pattern).fit_transform(
            [texts[t] for t in ids])
    except ValueError:  # no words at all
        return lambda a, b: 0.0
    return lambda a, b: float(matrix[row[a]].multiply(matrix[row[b]]).sum())


def drop_lines(text: str, keys: set[str]) -> tuple[str, list[str]]:
    """``text`` without its lines whose folded form is in ``keys`` (with the line breaks after them), and
    the lines dropped."""
    out, gone, pos = [], [], 0
    for m in _PARAGRAPH.finditer(text):
        if fold(m.group()) in keys:
            out.append(text[pos:m.start()])
            gone.append(m.group())
            pos = m.end()
            while pos < len(text) and text[pos] == "\n":
                pos += 1
    out.append(text[pos:])
    return "".join(out).strip("\n"), gone


def without_repeated(articles: list[Any]) -> list[Any]:
    """Each article (model.Article), in order, without its lines that are boilerplate by repetition across
    them (``repeated_lines``), each dropped line kept in its ``removed``; an article that was nothing
    but such lines (a page of notices) comes back with no text."""
    from dataclasses import replace

    found = repeated_lines({a.id: a.text for a in articles}) if len(articles) > 1 else {}
    out = []
    for a in articles:
        keys = found.get(a.id)
        text, gone = drop_lines(a.text, keys) if keys else (a.text, [])
        if gone:
            a = replace(a, text=text, removed=[*a.removed, *({"line": g, "reason": REPEATED_REASON} for g in gone)])
        out.append(a)
    return out


def drop_repeated(articles: list[Any]) -> tuple[list[Any], list[Any]]:
    """``without_repeated``, split: the articles with text left, and those left with none (the caller
    skips them, as it does an article clean_text leaves empty). A headline-only article (no text to
    begin with) is kept; an article that had text and lost all of it here is not one, and is skipped."""
    cleaned = without_repeated(articles)
    keep = [bool(a.text.strip()) or bool(getattr(before, "headline_only", False))
            for a, before in zip(cleaned, articles)]
    return [a for a, k in zip(cleaned, keep) if k], [a for a, k in zip(cleaned, keep) if not k]
