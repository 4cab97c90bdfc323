"""Tests for the corpus sources of storylens.ingest: WARC archives, RSS/Atom feeds, files of URLs,
JSONL on standard input, and the streaming ``iter_records``.

WARC archives are written by the tests themselves, record by record (one gzip member per record, as
in Common Crawl's CC-NEWS files). Feeds and pages are served by a local HTTP server on 127.0.0.1,
never the internet.
"""

from __future__ import annotations

import contextlib
import gzip
import html as htmlmod
import io
import json
import sys
import threading
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from storylens.errors import InputError
from storylens.ingest import extract, iter_records, read_inputs, read_records, read_warc, walk
from storylens.model import Article, Problem

DATA = Path(__file__).parent / "data" / "feeds"
WARC_DATE = "2024-03-05T08:15:00Z"

# --- fixture stories (written for these tests) ---------------------------------------------------

FERRY = {
    "slug": "ferry-terminal-opens", "title": "New ferry terminal opens after two years of delays",
    "author": "Ana Ruiz", "paragraphs": [
        ("The new ferry terminal on the north quay opened to passengers on Monday morning, almost two years "
        "later than planned and four million euros over its original budget."),
        ("The first crossing to the islands left at seven o'clock with about ninety passengers on board, "
        "according to the operator, which expects the building to handle twice as many travellers as the old "
        "waiting hall."),
        ("Construction stopped twice, first after winter floods damaged the foundations and then during a "
        "dispute with the main contractor over the cost of steel."),
        ("The mayor said the delays had been frustrating but that the terminal would serve the town for decades. "
        "A café and a bicycle shelter are due to open in the spring."),
    ]}
LIBRARY = {
    "slug": "library-extends-hours", "title": "Central library extends its opening hours for exam season",
    "author": "Jonas Weber", "paragraphs": [
        ("The central library will stay open until midnight on weekdays from next week, a change requested by "
        "students who say there is nowhere quiet to revise in the evenings."),
        ("The longer hours will run for six weeks, until the end of the university exam period, and will cost "
        "the city about thirty thousand euros in extra staff and heating."),
        ("Librarians counted more than four hundred visitors after eight o'clock on the first trial evening last "
        "month, most of them with laptops and textbooks rather than borrowed books."),
        ("If the numbers hold, the council will consider keeping late opening for the rest of the academic year, "
        "the head librarian said."),
    ]}
PASS = {
    "slug": "mountain-pass-closed", "title": "Snow closes the mountain pass for the third time this winter",
    "author": "Lea Moreau", "paragraphs": [
        ("Road crews closed the mountain pass on Tuesday after heavy snow and drifting winds made the upper bends "
        "impassable for lorries and cars alike."),
        ("Police turned back more than two hundred vehicles at the barrier in the valley and advised drivers to "
        "take the tunnel route, which adds about forty minutes to the journey."),
        ("It is the third closure since December. The regional roads agency said ploughs would work through the "
        "night and that the pass could reopen on Wednesday if the wind drops."),
        ("Hotels at the top of the pass said guests were safe and had been told to stay put until the road was "
        "cleared."),
    ]}
NAV_ONLY = (b"<!DOCTYPE html><html><head><title>Harbour Gazette</title></head><body><nav><ul>"
            b"<li><a href='/'>Home</a></li><li><a href='/local'>Local</a></li><li><a href='/sport'>Sport</a>"
            b"</li></ul></nav></body></html>")


def news_page(story: dict, *, site: str = "Harbour Gazette", date: str | None = None) -> str:
    """A realistic news page around a story: menu, headline, byline, paragraphs, footer.

    The footer carries no year: trafilatura would take a copyright year for the date (YYYY-01-01).
    """
    paras = "\n".join(f"<p>{htmlmod.escape(p)}</p>" for p in story["paragraphs"])
    title = htmlmod.escape(story["title"])
    dated = f'<meta property="article:published_time" content="{date}">' if date else ""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="{site}"><meta name="author" content="{story['author']}">{dated}</head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li><li><a href="/sport">Sport</a></li>
</ul></nav><main><article><h1>{title}</h1><p class="byline">By {story['author']}</p>
{paras}
</article></main><footer><p>&copy; {site}. All rights reserved.</p></footer></body></html>"""


# --- WARC archives, written by hand --------------------------------------------------------------


def http_response(body: bytes, ctype: str | None = "text/html; charset=utf-8", status: str = "200 OK") -> bytes:
    head = f"HTTP/1.1 {status}\r\n" + (f"Content-Type: {ctype}\r\n" if ctype else "")
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def warc_record(kind: str, uri: str, block: bytes, *, length: int | None = None,
                ctype: str = "application/http; msgtype=response") -> bytes:
    """One WARC/1.0 record; ``length`` overrides the declared Content-Length (to damage it)."""
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: {WARC_DATE}\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{abs(hash((kind, uri))) % 10**12:012d}>\r\n"
            + (f"WARC-Target-URI: {uri}\r\n" if uri else "")
            + f"Content-Type: {ctype}\r\nContent-Length: {len(block) if length is None else length}\r\n\r\n")
    return head.encode() + block + b"\r\n\r\n"


def page_record(story: dict, **page: str) -> bytes:
    url = f"https://gazette.example/local/{story['slug']}.html"
    return warc_record("response", url, http_response(news_page(story, **page).encode()))


def warcinfo() -> bytes:
    return warc_record("warcinfo", "", b"software: storylens-tests\r\nformat: WARC File Format 1.0\r\n",
                       ctype="application/warc-fields")


def write_warc(path: Path, records: Iterable[bytes]) -> Path:
    """Plain for .warc; one gzip member per record for .warc.gz (the CC-NEWS layout)."""
    members = [gzip.compress(r) for r in records] if path.name.endswith(".gz") else list(records)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(members))
    return path


def split(items: Iterable[tuple[Article, dict] | Problem | Article]) -> tuple[list[Article], list[Problem]]:
    articles = [i[0] if isinstance(i, tuple) else i for i in items if not isinstance(i, Problem)]
    return articles, [i for i in items if isinstance(i, Problem)]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_html_responses_become_articles_and_the_rest_is_skipped(tmp_path: Path, name: str) -> None:
    latin = LIBRARY | {"paragraphs": [*LIBRARY["paragraphs"], ("Entry is free; the café on the ground floor "
                                      "will close at ten.")]}
    path = write_warc(tmp_path / name, [
        warcinfo(),
        warc_record("request", "https://gazette.example/local/ferry-terminal-opens.html",
                    b"GET /local/ferry-terminal-opens.html HTTP/1.1\r\nHost: gazette.example\r\n\r\n",
                    ctype="application/http; msgtype=request"),
        page_record(FERRY),  # record 3: no date in the page, so the WARC-Date stands in
        warc_record("response", "https://gazette.example/logo.png", http_response(b"\x89PNG\r\n", "image/png")),
        warc_record("response", "https://gazette.example/local/library-extends-hours.html", http_response(
            news_page(latin, date="2024-03-01").encode("latin-1"), "text/html; charset=iso-8859-1")),
        warc_record("response", "https://gazette.example/missing", http_response(NAV_ONLY, status="404 Not Found")),
        warc_record("metadata", "https://gazette.example/local/ferry-terminal-opens.html", b"fetchTimeMs: 412\r\n",
                    ctype="application/warc-fields"),
    ])
    articles, problems = split(list(read_warc(path)))
    assert problems == []
    assert [a.id for a in articles] == ["ferry-terminal-opens", "library-extends-hours"]
    ferry, library = articles
    assert ferry.title == FERRY["title"]
    assert ferry.url == "https://gazette.example/local/ferry-terminal-opens.html"
    assert (ferry.outlet, ferry.author, ferry.published) == ("Harbour Gazette", "Ana Ruiz", "2024-03-05")
    assert ferry.source == f"{path}#record-3"
    assert ferry.text.split("\n\n") == FERRY["paragraphs"]
    assert library.published == "2024-03-01"  # the page's own date wins over the crawl date
    assert library.source == f"{path}#record-5"
    assert library.text.endswith("Entry is free; the café on the ground floor will close at ten.")


def test_warc_payloads_stored_compressed_or_chunked_are_decoded(tmp_path: Path) -> None:
    body = news_page(FERRY).encode()
    packed = gzip.compress(body)
    chunked = b"".join(f"{len(packed[i:i + 500]):x}\r\n".encode() + packed[i:i + 500] + b"\r\n"
                       for i in range(0, len(packed), 500)) + b"0\r\n\r\n"
    head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: {}\r\n{}\r\n"
    path = write_warc(tmp_path / "wget.warc", [
        warc_record("response", "", (head.format("gzip", "Transfer-Encoding: chunked\r\n")).encode() + chunked),
        warc_record("response", "https://gazette.example/local/pass.html",
                    head.format("br", "").encode() + b"\x1b\x00\x00"),
    ])
    articles, problems = split(list(read_warc(path)))
    assert [(a.id, a.title, a.url) for a in articles] == [("wget-1", FERRY["title"], None)]
    assert problems == [Problem(f"{path}#record-2", "unsupported content encoding 'br'")]


def test_warc_damaged_records_are_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    members = [gzip.compress(r) for r in [
        warcinfo(), page_record(FERRY), page_record(LIBRARY),
        warc_record("response", "https://gazette.example/local/", http_response(NAV_ONLY)), page_record(PASS)]]
    path = tmp_path / "CC-NEWS-20240305081500-00042.warc.gz"
    path.write_bytes(b"".join(members[:2]) + members[2][:60] + b"".join(members[3:]))  # record 3 cut short
    articles, problems = split(list(iter_records([str(path)])))
    assert [a.id for a in articles] == ["ferry-terminal-opens", "mountain-pass-closed"]
    assert [a.source for a in articles] == [f"{path}#record-2", f"{path}#record-5"]
    assert problems == [
        Problem(f"{path}#record-3", "malformed WARC record (gzip decompression error: data error)"),
        Problem(f"{path}#record-4", "no article text found in the HTML"),
    ]


def test_warc_record_longer_than_the_file_is_truncated_and_swallowed_records_are_found(tmp_path: Path) -> None:
    block = http_response(news_page(LIBRARY).encode())
    path = write_warc(tmp_path / "crawl.warc", [
        page_record(FERRY),
        warc_record("response", "https://gazette.example/local/library-extends-hours.html", block,
                    length=len(block) + 50_000),  # claims the rest of the file
        page_record(PASS),
    ])
    articles, problems = split(list(read_warc(path)))
    assert [a.id for a in articles] == ["ferry-terminal-opens", "mountain-pass-closed"]
    expected = len(block) - block.index(b"\r\n\r\n") - 4 + 50_000  # the HTML payload the record declares
    (problem,) = problems
    assert problem.source == f"{path}#record-2"
    assert problem.reason.startswith("truncated WARC record (") and problem.reason.endswith(f" of {expected} bytes)")


def test_warc_cut_off_at_the_end_and_files_that_are_no_warc(tmp_path: Path) -> None:
    whole = b"".join(gzip.compress(r) for r in [page_record(FERRY), page_record(PASS)])
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[:-120])
    (tmp_path / "page.warc").write_bytes(news_page(FERRY).encode())
    (tmp_path / "empty.warc.gz").write_bytes(b"")
    articles, problems = read_inputs([str(cut), str(tmp_path / "page.warc"), str(tmp_path / "empty.warc.gz")])
    assert [a.id for a in articles] == ["ferry-terminal-opens"]
    assert [p.source for p in problems] == [f"{cut}#record-2", str(tmp_path / "page.warc"),
                                            str(tmp_path / "empty.warc.gz")]
    assert problems[0].reason.startswith("truncated WARC record (")
    assert [p.reason for p in problems[1:]] == ["not a WARC file (no WARC record at its start)", "empty file"]


def test_directories_pick_up_warc_and_feed_files(tmp_path: Path) -> None:
    write_warc(tmp_path / "2024" / "crawl.warc.gz", [warcinfo(), page_record(PASS)])
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "gazette.rss").write_bytes((DATA / "full-content.rss").read_bytes())
    (tmp_path / "notes.md").write_text("# not read\n", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in walk(tmp_path)] == ["2024/crawl.warc.gz",
                                                                           "feeds/gazette.rss"]
    articles, problems = read_inputs([str(tmp_path)])
    assert problems == []
    assert [a.id for a in articles] == ["mountain-pass-closed", "council-approves-cycle-lanes",
                                        "fleet-returns-early"]


# --- feeds ---------------------------------------------------------------------------------------


def test_feed_file_with_full_content_needs_no_fetching() -> None:
    path = DATA / "full-content.rss"
    articles, problems = read_inputs([str(path)], timeout=1)
    assert problems == []
    assert [(a.id, a.title, a.author, a.published) for a in articles] == [
        ("council-approves-cycle-lanes", "Council approves cycle lanes on River Road", "Maya Lindqvist",
         "2024-03-04"),
        ("fleet-returns-early", "Fishing fleet returns early as storm nears the coast", "Tomas Brandt",
         "2024-03-05"),
    ]
    cycle = articles[0]
    assert cycle.url == "http://127.0.0.1:9/local/council-approves-cycle-lanes"
    assert (cycle.outlet, cycle.source, cycle.language) == ("Harbour Gazette", f"{path}#entry-1", "en")
    assert cycle.text.startswith("The town council voted seven to two on Monday evening")
    assert cycle.text.endswith("most of it covered by a regional grant.")
    assert cycle.text.count("\n\n") == 3


def test_malformed_and_empty_feeds_are_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>',
                     encoding="utf-8")
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text('<?xml version="1.0"?><urlset><url><loc>https://gazette.example/</loc></url></urlset>',
                       encoding="utf-8")
    full = (DATA / "full-content.rss").read_text(encoding="utf-8")
    cut = tmp_path / "cut.rss"
    cut.write_text(full[:full.index("</item>") + len("</item>")], encoding="utf-8")  # ends after entry 1
    articles, problems = read_inputs([str(DATA / "broken.rss"), str(empty), str(sitemap), str(cut)])
    assert [a.id for a in articles] == ["council-approves-cycle-lanes"]
    assert problems == [
        Problem(str(DATA / "broken.rss"), "malformed feed (not well-formed (invalid token) at line 5)"),
        Problem(str(empty), "no entries in the feed"),
        Problem(str(sitemap), "not an RSS or Atom feed"),
        Problem(str(cut), "malformed feed (no element found at line 22); 1 entry read, some may be missing"),
    ]


# --- a local web server --------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[str, bytes]]] = {}
    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's naming
        self.requested.append(self.path)
        ctype, body = self.pages.get(self.path, ("text/html", b"<h1>Not Found</h1>"))
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # silence the server
        pass


TEASER_FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Valley Courier</title>
  <id>tag:courier.example,2024:feed</id>
  <updated>2024-03-05T12:00:00Z</updated>
  <entry>
    <title>Snow shuts the pass again</title>
    <link href="/news/mountain-pass-closed"/>
    <id>tag:courier.example,2024:1</id>
    <published>2024-03-05T07:30:00Z</published>
    <author><name>Valley Courier staff</name></author>
    <summary>Drivers are told to use the tunnel while ploughs clear the upper bends.</summary>
  </entry>
  <entry>
    <title>Library to open late for students</title>
    <link href="/news/library-extends-hours"/>
    <id>tag:courier.example,2024:2</id>
    <updated>2024-03-04T16:00:00Z</updated>
    <summary>Six weeks of late opening start next week.</summary>
  </entry>
  <entry>
    <title>Page that was taken down</title>
    <link href="/news/withdrawn-story"/>
    <id>tag:courier.example,2024:3</id>
    <updated>2024-03-04T09:00:00Z</updated>
    <summary>This story is no longer available.</summary>
  </entry>
</feed>
"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    html = "text/html; charset=utf-8"
    _Handler.pages = {
        "/news/mountain-pass-closed": (html, news_page(PASS, site="Valley Courier").encode()),
        "/news/library-extends-hours": (html, news_page(LIBRARY, site="Valley Courier").encode()),
        "/local/ferry-terminal-opens": (html, news_page(FERRY).encode()),
        "/feeds/valley.atom": ("application/atom+xml", TEASER_FEED.encode()),
        "/feeds/gazette.rss": ("text/xml", (DATA / "full-content.rss").read_bytes()),
        "/api/stats.json": ("application/json", b'{"visits": 3}'),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_feed_url_with_teasers_fetches_each_entry_link(server: str) -> None:
    feed = f"{server}/feeds/valley.atom"
    _Handler.requested.clear()
    articles, problems = split(list(iter_records([feed], timeout=5)))
    assert [(a.id, a.title, a.published) for a in articles] == [
        ("mountain-pass-closed", "Snow shuts the pass again", "2024-03-05"),
        ("library-extends-hours", "Library to open late for students", "2024-03-04"),
    ]
    # named by the feed and entry (issue 18, defect 17: the link alone named no input given)
    assert problems == [Problem(f"{feed}#entry-3", f"its link {server}/news/withdrawn-story: HTTP 404 Not Found")]
    snow, library = articles
    assert snow.url == snow.source == f"{server}/news/mountain-pass-closed"
    assert snow.author == "Valley Courier staff"  # the entry's author wins over the page's byline
    assert library.author == "Jonas Weber"  # no author in the entry: the page's stays
    assert snow.outlet == "Valley Courier"
    assert snow.text.split("\n\n") == PASS["paragraphs"]
    assert _Handler.requested == ["/feeds/valley.atom", "/news/mountain-pass-closed",
                                  "/news/library-extends-hours", "/news/withdrawn-story"]


def test_url_list_file_reads_pages_and_feeds(server: str, tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(f"""# morning reading list
{server}/local/ferry-terminal-opens

{server}/feeds/gazette.rss
{server}/api/stats.json
gazette.example/local/no-scheme
{server}/local/gone
""", encoding="utf-8")
    articles, problems = read_inputs([str(urls)], timeout=5)
    assert [a.id for a in articles] == ["ferry-terminal-opens", "council-approves-cycle-lanes",
                                        "fleet-returns-early"]
    assert articles[0].title == FERRY["title"] and articles[0].source == f"{server}/local/ferry-terminal-opens"
    assert problems == [
        Problem(f"{server}/api/stats.json", "not an HTML page (content type application/json)"),
        Problem(f"{urls}:6", "not an http(s) URL"),
        Problem(f"{server}/local/gone", "HTTP 404 Not Found"),
    ]


def test_extract_refuses_a_feed_of_several_articles(server: str) -> None:
    with pytest.raises(InputError) as err:
        extract(f"{server}/feeds/gazette.rss", timeout=5)
    assert (err.value.source, err.value.reason) == (f"{server}/feeds/gazette.rss",
                                                     "holds 2 articles; extract reads one")


# --- JSONL on standard input ---------------------------------------------------------------------


def _stdin(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_jsonl_is_read_line_by_line_and_bad_lines_are_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, [
        json.dumps({"id": "ferry", "title": FERRY["title"], "text": "\n".join(FERRY["paragraphs"]),
                    "outlet": "Harbour Gazette", "story": "harbour"}),
        '{"id": "broken", "text": ',
        "",
        json.dumps({"html": news_page(PASS), "url": "https://courier.example/news/pass.html"}),
        json.dumps({"id": "empty", "text": "   "}),
    ])
    records, problems = read_records(["-"])
    assert [(a.id, a.title, extra) for a, extra in records] == [
        ("ferry", FERRY["title"], {"story": "harbour"}),
        ("stdin-4", PASS["title"], {}),
    ]
    assert records[0][0].source == "<stdin>:1" and records[0][0].outlet == "Harbour Gazette"
    assert records[1][0].text.split("\n\n") == PASS["paragraphs"]
    assert problems == [
        Problem("<stdin>:2", "invalid JSON (Expecting value at column 26)"),
        Problem("<stdin>:5", "record has no 'text', 'html' or 'title'"),
    ]


def test_empty_stdin_is_one_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, ["", "  "])
    assert list(iter_records("-")) == [Problem("<stdin>", "no JSON records on the input")]


# --- streaming and ids ---------------------------------------------------------------------------


def test_iter_records_streams_one_item_at_a_time(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc.gz", [page_record(FERRY), page_record(PASS)])

    def inputs() -> Iterator[str]:
        yield str(path)
        raise AssertionError("the second input was asked for before the first was used up")

    stream = iter_records(inputs())
    first = next(stream)
    assert isinstance(first, tuple) and first[0].id == "ferry-terminal-opens" and first[1] == {}
    assert next(stream)[0].id == "mountain-pass-closed"  # type: ignore[index]


def test_ids_are_unique_in_read_records_but_not_in_iter_records(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.warc.gz", [page_record(PASS)])
    streamed = [item[0].id for item in iter_records([str(path), str(path)]) if isinstance(item, tuple)]
    assert streamed == ["mountain-pass-closed", "mountain-pass-closed"]
    articles, _ = read_inputs([str(path), str(path)])
    assert [a.id for a in articles] == ["mountain-pass-closed", "mountain-pass-closed-2"]
