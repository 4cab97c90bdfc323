"""A seeded generator of hostile inputs (issue 18), shared by tests/test_hostile_generated.py and
benchmarks/bench_hostile.py --part generated.

``cases(seed, n, scale)`` yields ``n`` :class:`Case` objects, the same ones for the same arguments:
random bytes, wrong encodings, NUL, lone surrogates, empty files, huge numbers and deep nesting in
JSONL, broken WARC, feed oddities, HTML bombs, control characters, giant lines, odd URL lists and odd
file names, with a good article every ``GOOD_EVERY`` cases. ``scale`` multiplies the sizes of the
big kinds (1.0: bombs and giant lines up to about 1 MB; the test uses less). ``write`` puts a case in
a folder; ``unclear`` says what is wrong with a problem line (None when it names the input and a
reason). Every text here is made up; nothing comes from a corpus.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# One good article among this many cases: enough that every batch a benchmark analyses holds some,
# few enough that the hostile kinds dominate.
GOOD_EVERY = 8

_PLACES = ["Harbourton", "Millbrook", "Eastvale", "Kestrel Bay", "Northgate"]
_ROLES = ["mayor", "fire chief", "council leader", "police spokesperson", "school head"]
_NAMES = ["Dana Whitcombe", "Oren Fairley", "Priya Castell", "Tomas Redgrave", "Lena Arkwright"]


@dataclass(frozen=True)
class Case:
    """One generated input: its file name, its bytes, its kind, and whether it is a good article."""

    name: str
    data: bytes
    kind: str
    good: bool = False


def good_text(rng: random.Random) -> tuple[str, str]:
    """A short made-up news article (title, body) about a local event."""
    place, role, name = rng.choice(_PLACES), rng.choice(_ROLES), rng.choice(_NAMES)
    n = rng.randint(20, 90)
    title = f"{place} closes its old bridge after floods"
    body = (f"The {role} of {place}, {name}, closed the old river bridge on Tuesday after two days of floods. "
            f"\"We cannot let anyone cross until engineers have looked at it,\" {name} said. "
            f"About {n} homes near the river were evacuated overnight, officials said. "
            f"The bridge, built in 19{rng.randint(10, 70)}, carries about {n * 100} cars a day. "
            "Repairs are expected to take several weeks, according to the council.")
    return title, body


def _good(rng: random.Random) -> tuple[str, bytes]:
    title, body = good_text(rng)
    form = rng.choice(["txt", "html", "jsonl"])
    if form == "txt":
        return ".txt", f"{title}\n\n{body}\n".encode()
    if form == "html":
        return ".html", (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                         f"<p>{body}</p></article></body></html>").encode()
    return ".jsonl", (json.dumps({"id": f"good-{rng.randrange(10**9)}", "title": title, "text": body}) + "\n").encode()


def _random_bytes(rng: random.Random, scale: float) -> tuple[str, bytes]:
    size = rng.choice([1, 7, 512, 4096, int(200_000 * scale) + 1])
    suffix = rng.choice([".txt", ".html", ".jsonl", ".warc", ".warc.gz", ".xml", ".rss", ".atom", ".bin", ""])
    head = rng.choice([b"", b"WARC/1.0\r\n", b"\x1f\x8b\x08", b"<?xml version='1.0'?><rss>", b"<html>", b"{"])
    return suffix, head + rng.randbytes(size)


def _wrong_encoding(rng: random.Random, scale: float) -> tuple[str, bytes]:
    title, body = good_text(rng)
    text = f"{title} \u2014 caf\u00e9 na\u00efve \u201cquoted\u201d\n\n{body}"
    enc = rng.choice(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "shift_jis", "utf-8-bad", "utf-7"])
    if enc == "utf-8-bad":
        raw = text.encode()
        cut = rng.randrange(len(raw))
        data = raw[:cut] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]) + raw[cut:]
    else:
        data = text.encode(enc, "replace")
    if rng.random() < 0.5:
        charset = rng.choice(["utf-8", "utf-16", "latin-1", "bogus-charset", "x" * 300])
        return ".html", f"<html><head><meta charset='{charset}'></head><body><p>".encode() + data + b"</p></body></html>"
    return rng.choice([".txt", ".jsonl", ".rss"]), data


def _sprinkle(rng: random.Random, text: str, chars: list[str], k: int) -> str:
    out = list(text)
    for _ in range(k):
        out.insert(rng.randrange(len(out) + 1), rng.choice(chars))
    return "".join(out)


def _nul(rng: random.Random, scale: float) -> tuple[str, bytes]:
    title, body = good_text(rng)
    text = _sprinkle(rng, f"{title}\n\n{body}", ["\x00"], rng.choice([1, 5, 50]))
    if rng.random() < 0.4:
        return ".jsonl", (json.dumps({"id": "n\x00ul", "title": title + "\x00", "text": text}) + "\n").encode()
    return rng.choice([".txt", ".html"]), text.encode()


def _surrogates(rng: random.Random, scale: float) -> tuple[str, bytes]:
    title, body = good_text(rng)
    lone = rng.choice(["\\ud800", "\\udfff", "\\ud83d", "\\udc00\\ud800"])
    field = rng.choice(["text", "title", "id", "outlet", "author", "url", "published", "story", "language"])
    record = {"id": "s1", "title": title, "text": body}
    line = json.dumps(record)
    value = json.dumps(str(record.get(field, "x")))[1:-1]
    line = line.replace(f'"{field}": "{value}"', f'"{field}": "{value}{lone}"') if field in record else \
        line[:-1] + f', "{field}": "a{lone}b"}}'
    if rng.random() < 0.3:  # the same as raw bytes (CESU-8) in a text file
        return ".txt", (title + "\n\n" + body).encode() + b"\xed\xa0\x80" + b" more words here."
    return ".jsonl", (line + "\n").encode()


def _empty(rng: random.Random, scale: float) -> tuple[str, bytes]:
    data = rng.choice([b"", b" ", b"\n\n\n", b"\xef\xbb\xbf", b"\t \r\n", b"<html></html>", b"{}\n", b"[]",
                       b"<rss></rss>", b"WARC/1.0\r\n\r\n", b"\x1f\x8b"])
    return rng.choice([".txt", ".html", ".jsonl", ".xml", ".warc", ".warc.gz", ".text", ".htm"]), data


def _jsonl_numbers(rng: random.Random, scale: float) -> tuple[str, bytes]:
    title, body = good_text(rng)
    value = rng.choice(["1" * rng.choice([4301, 5000, 20_000]), "1e400", "-1e400", "NaN", "Infinity", "-0",
                        "1.5", "true", "null", "[]", "{}", '"' + "9" * 5000 + '"', "0x10"])
    field = rng.choice(["id", "title", "text", "published", "outlet", "story", "extra", "html", "url"])
    rec = {"id": "num", "title": title, "text": body}
    rec.pop(field, None)
    line = json.dumps(rec)[:-1] + f', "{field}": {value}}}'
    other = rng.choice(["[1, 2]", '"just a string"', "null", "42", "{", "}{", "", "\ufeff{}"])
    lines = [line, other] if rng.random() < 0.5 else [line]
    return ".jsonl", ("\n".join(lines) + "\n").encode()


def _jsonl_nesting(rng: random.Random, scale: float) -> tuple[str, bytes]:
    depth = rng.choice([100, 1000, 5000, max(10, int(100_000 * scale))])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    inner = opener * depth + "1" + closer * depth if rng.random() < 0.7 else opener * depth
    return ".jsonl", ('{"id": "deep", "text": "Some words here.", "x": ' + inner + "}\n").encode()


def _warc_record(url: str, html: bytes, rtype: str = "response") -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    head = (f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T10:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(url)) % 10**12:012d}>\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def _broken_warc(rng: random.Random, scale: float) -> tuple[str, bytes]:
    title, body = good_text(rng)
    page = f"<html><head><title>{title}</title></head><body><p>{body}</p></body></html>".encode()
    recs = [_warc_record(f"https://example.org/news/{i}", page) for i in range(rng.randint(1, 3))]
    data = b"".join(recs)
    damage = rng.choice(["truncate", "length-huge", "length-negative", "length-word", "garbage", "no-uri",
                         "bad-version", "http-garbage", "gz-truncate", "gz-garbage"])
    if damage == "truncate":
        data = data[:rng.randrange(1, len(data))]
    elif damage == "length-huge":
        data = data.replace(b"Content-Length: ", b"Content-Length: 99999999999999999999", 1)
    elif damage == "length-negative":
        data = data.replace(b"Content-Length: ", b"Content-Length: -", 1)
    elif damage == "length-word":
        data = data.replace(b"Content-Length: ", b"Content-Length: many", 1)
    elif damage == "garbage":
        at = rng.randrange(len(data))
        data = data[:at] + rng.randbytes(rng.choice([1, 100, 5000])) + data[at:]
    elif damage == "no-uri":
        data = data.replace(b"WARC-Target-URI: ", b"X-Nothing: ")
    elif damage == "bad-version":
        data = data.replace(b"WARC/1.0", b"WARC/9.9", 1)
    elif damage == "http-garbage":
        data = data.replace(b"HTTP/1.1 200 OK", b"HTTP/1.1 2\x00\xff OK", 1)
    if damage.startswith("gz"):
        members = b"".join(gzip.compress(r) for r in recs)
        if damage == "gz-truncate":
            members = members[:rng.randrange(3, len(members))]
        else:
            at = rng.randrange(10, len(members))
            members = members[:at] + rng.randbytes(64) + members[at + 64:]
        return ".warc.gz", members
    return ".warc", data


_FEED_LINKS = ["article.html", "//example.org/x", "file:///etc/passwd", "javascript:alert(1)", "", "   ",
               "http://[::1", "http://%zz/", "mailto:a@b", "data:text/html,<p>hi</p>", "http://127.0.0.2:1/",
               "ftp://example.org/x", "\x00", "http://127.0.0.1:1/"]


def _feed(rng: random.Random, scale: float) -> tuple[str, bytes]:
    title, body = good_text(rng)
    link = rng.choice(_FEED_LINKS)
    kind = rng.choice(["rss", "atom", "xxe", "laughs", "no-entries", "no-link", "bad-xml", "odd-date", "huge-title"])
    if kind == "xxe":
        xml = ("<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
               f"<rss><channel><title>&x;</title><item><title>{title}</title><description>&x;</description>"
               "</item></channel></rss>")
    elif kind == "laughs":
        ents = "".join(f"<!ENTITY l{i} '{('&l' + str(i - 1) + ';') * 10 if i else 'lol'}'>" for i in range(6))
        xml = (f"<?xml version='1.0'?><!DOCTYPE r [{ents}]><rss><channel><item><title>&l5;</title>"
               f"<description>{body}</description></item></channel></rss>")
    elif kind == "atom":
        xml = (f"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>T</title><entry>"
               f"<title>{title}</title><link href='{link}'/><content type='html'>&lt;p&gt;{body}&lt;/p&gt;</content>"
               "</entry></feed>")
    elif kind == "no-entries":
        xml = "<?xml version='1.0'?><rss><channel><title>Nothing</title></channel></rss>"
    elif kind == "no-link":
        xml = f"<rss><channel><item><title>{title}</title></item><item></item></channel></rss>"
    elif kind == "bad-xml":
        xml = f"<rss><channel><item><title>{title}<description>{body}</item></rss"
    elif kind == "odd-date":
        xml = (f"<rss><channel><item><title>{title}</title><pubDate>{rng.choice(['99999-99-99', 'yesterday', '0', '-1e400'])}"
               f"</pubDate><description>{body}</description><link>{link}</link></item></channel></rss>")
    elif kind == "huge-title":
        xml = f"<rss><channel><item><title>{'T' * int(100_000 * scale + 10)}</title><description>{body}</description></item></channel></rss>"
    else:
        xml = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Feed</title><item><title>{title}</title>"
               f"<link>{link}</link><description>{body}</description></item></channel></rss>")
    return rng.choice([".xml", ".rss", ".atom"]), xml.encode("utf-8", "surrogatepass")


def _html_bomb(rng: random.Random, scale: float) -> tuple[str, bytes]:
    n = max(10, int(rng.choice([20_000, 60_000, 150_000]) * scale))
    _, body = good_text(rng)
    kind = rng.choice(["nested", "lines", "attributes", "entities", "comments", "unclosed", "script", "tables"])
    if kind == "nested":
        html = "<div>" * n + f"<p>{body}</p>" + "</div>" * n
    elif kind == "lines":
        html = "<html><body>" + "<p>x</p>\n" * n + f"<p>{body}</p></body></html>"
    elif kind == "attributes":
        html = "<html><body><div " + " ".join(f"a{i}=1" for i in range(n)) + f"><p>{body}</p></div></body></html>"
    elif kind == "entities":
        html = f"<html><body><p>{body}</p><p>" + "&amp;&#x10FFFF;&#0;&#xD800;&nosuch;" * (n // 4) + "</p></body></html>"
    elif kind == "comments":
        html = "<html><body>" + "<!--" * n + f"<p>{body}</p>" + "-->" * (n // 2) + "</body></html>"
    elif kind == "unclosed":
        html = "<html><body>" + "".join(rng.choice(["<b>", "<i>", "<p>", "<table>", "<td>", "<a href=x>"]) for _ in range(n)) + body
    elif kind == "script":
        html = "<html><body><script>" + "var x=1;" * n + f"</script><p>{body}</p></body></html>"
    else:
        html = "<table>" * (n // 10) + "<tr><td>" * (n // 10) + body
    return rng.choice([".html", ".htm"]), html.encode()


_CONTROLS = [chr(c) for c in [*range(1, 9), 11, 12, *range(14, 32), 127, *range(0x80, 0xA0)]] + [
    "\u202e", "\u200b", "\ufeff", "\ufffe", "\uffff", "\U0010ffff", "\u2028", "\u2029", "\r", "\x85"]


def _control(rng: random.Random, scale: float) -> tuple[str, bytes]:
    title, body = good_text(rng)
    text = _sprinkle(rng, f"{title}\n\n{body}", _CONTROLS, rng.choice([3, 30, 300]))
    if rng.random() < 0.3:
        return ".jsonl", (json.dumps({"id": _sprinkle(rng, "ctl", _CONTROLS, 2), "title": title, "text": text}) + "\n").encode()
    if rng.random() < 0.3:
        return ".html", f"<html><body><p>{text}</p></body></html>".encode()
    return ".txt", text.encode()


def _giant_line(rng: random.Random, scale: float) -> tuple[str, bytes]:
    n = max(100, int(rng.choice([100_000, 400_000, 1_000_000]) * scale))
    _, body = good_text(rng)
    kind = rng.choice(["letters", "words", "sentences", "jsonl", "html"])
    if kind == "letters":
        line = "a" * n
    elif kind == "words":
        line = " ".join(rng.choice(["flood", "bridge", "river", "council"]) for _ in range(n // 6))
    elif kind == "sentences":
        line = (body + " ") * (n // len(body) + 1)
    elif kind == "jsonl":
        return ".jsonl", (json.dumps({"id": "giant", "text": "x" * n}) + "\n").encode()
    else:
        return ".html", ("<html><body><p>" + "word " * (n // 5) + "</p></body></html>").encode()
    return ".txt", line.encode()


def _url_list(rng: random.Random, scale: float) -> tuple[str, bytes]:
    # loopback port 1 (refused at once), refused schemes and malformed URLs only: nothing here needs
    # DNS or reaches another host (the CLI reads private addresses; only the web app refuses them)
    urls = rng.sample(["http://127.0.0.1:1/x", "http://[::1]:1/", "file:///etc/passwd", "https://0.0.0.0:1/",
                       "http://%ff/", "https://[::ffff:127.0.0.1]:1/", "http://0x7f000001:1/", "http://[::1",
                       "javascript:alert(1)", "http://127.0.0.1:1/" + "a" * 5000], k=rng.randint(1, 4))
    return ".txt", ("\n".join(urls) + "\n").encode()


KINDS: dict[str, Callable[[random.Random, float], tuple[str, bytes]]] = {
    "random-bytes": _random_bytes, "wrong-encoding": _wrong_encoding, "nul": _nul, "surrogates": _surrogates,
    "empty": _empty, "jsonl-numbers": _jsonl_numbers, "jsonl-nesting": _jsonl_nesting, "broken-warc": _broken_warc,
    "feed": _feed, "html-bomb": _html_bomb, "control": _control, "giant-line": _giant_line, "url-list": _url_list,
}

# Odd stems a file name may get instead of the plain one (a non-UTF-8 byte, a newline, a long name,
# spaces and quotes); the suffix stays, so the reader is chosen as for the plain name.
_ODD_STEMS = [b"caf\xe9", b"line\nbreak", b"x" * 200, b"with space 'q\"", b"\xff\xfe", b"-dash", b"tab\there"]


def cases(seed: int, n: int, scale: float = 1.0) -> Iterator[Case]:
    """``n`` hostile inputs (one good article every GOOD_EVERY), the same for the same arguments."""
    rng = random.Random(seed)
    kinds = sorted(KINDS)
    for i in range(n):
        if i % GOOD_EVERY == GOOD_EVERY - 1:
            suffix, data = _good(rng)
            yield Case(f"{i:05d}-good{suffix}", data, "good", good=True)
            continue
        kind = kinds[i % len(kinds)] if i < 2 * len(kinds) else rng.choice(kinds)  # every kind early on
        suffix, data = KINDS[kind](rng, scale)
        stem = f"{i:05d}-{kind}"
        if rng.random() < 0.05:
            stem = os.fsdecode(f"{i:05d}-".encode() + rng.choice(_ODD_STEMS))
        yield Case(stem + suffix, data, kind)


def write(case: Case, folder: Path) -> Path:
    """Write the case's bytes to ``folder/case.name`` and return the path."""
    path = folder / case.name
    path.write_bytes(case.data)
    return path


# Words of Python's own exception messages: a reason carrying one says what went wrong inside, not
# what is wrong with the input.
_LEAKS = ["codec can't", "object has no attribute", "NoneType", "[Errno", "Exception", "object is not",
          "unexpected keyword", "takes no arguments", "list index", "out of range(", "int() ", "float()"]


def listed_urls(case: Case) -> list[str]:
    """The URLs of a url-list case: each is an input of its own, and a problem may be named by it."""
    if case.kind != "url-list":
        return []
    return [line.strip() for line in case.data.decode("utf-8", "replace").splitlines() if line.strip()]


def unclear(line: str, names: list[str]) -> str | None:
    """What makes a problem line unclear, or None: a clear line is one line that starts with one of
    ``names`` (how the input is shown) and gives a reason after it."""
    if "\n" in line or "\r" in line:
        return "more than one line"
    if "Traceback" in line:
        return "a traceback"
    for leak in _LEAKS:
        if leak in line:
            return f"a Python message ({leak!r})"
    named = False
    for name in sorted(names, key=len, reverse=True):  # the longest first: a URL may start another
        if line.startswith(name):
            named = True
            # FILE: reason, FILE:3: reason (a JSONL line), FILE#record-2: reason (WARC), FILE#entry-1 (feed)
            head, sep, reason = line[len(name):].partition(": ")
            if sep and (head == "" or head[0] in ":#") and len(reason.strip()) >= 8:
                return None
    return "no reason after the input's name" if named else "does not name the input"
