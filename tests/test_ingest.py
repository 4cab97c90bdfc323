"""Tests for storylens.ingest on real data: the seed story, benchmark pages, a local HTTP server."""

from __future__ import annotations

import contextlib
import html as htmlmod
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from _shared import need

from storylens.errors import FetchError, InputError
from storylens.ingest import (
    article_from_html,
    extract,
    read_inputs,
    read_jsonl,
    read_one,
    read_records,
    read_text_file,
    walk,
)
from storylens.ingest.url import USER_AGENT, fetch_html
from storylens.model import Article, Problem

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "russia-day"
BENCH = ROOT.parent / "shared" / "data" / "article-extraction-benchmark"
SEED_PAGE = SEEDS / "001_4374cd0fa6f2fed4.txt"


def token_f1(found: str, gold: str) -> float:
    """Bag-of-words F1 between two texts (lower-cased word tokens)."""
    a, b = Counter(re.findall(r"\w+", found.lower())), Counter(re.findall(r"\w+", gold.lower()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def article_page(article: Article, *, site: str | None = "Example News") -> str:
    """A realistic news page around an article: menu, headline, byline, paragraphs, footer."""
    paras = "\n".join(f"<p>{htmlmod.escape(p)}</p>" for p in article.text.split("\n\n"))
    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    title = htmlmod.escape(article.title)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>{meta}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav>
<main><article><h1>{title}</h1><p class="byline">By Jane Doe</p>
{paras}
</article></main>
<footer><p>&copy; 2023 Example News. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


NAV_ONLY = """<!DOCTYPE html><html><head><title>Example News</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/contact">Contact us</a></li></ul></nav></body></html>"""


@pytest.fixture(scope="module")
def seed_article() -> Article:
    return read_text_file(SEED_PAGE)


# --- real data -----------------------------------------------------------------------------------


def test_seed_directory_gives_five_english_articles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    articles, problems = read_inputs(["examples/russia-day/"])
    assert problems == []
    assert [a.id for a in articles] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for a in articles:
        assert a.title.strip() and a.text.strip()
        assert a.language == "en"
        assert a.source and a.source.endswith(a.id + ".txt")


def test_seed_byline_gives_author_and_outlet(seed_article: Article) -> None:
    assert seed_article.author == "Greg Norman"
    assert seed_article.outlet == "Fox News"
    assert "KIM JONG UN BALLOONS" not in seed_article.text


@pytest.mark.parametrize("stem", [
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",  # NYT opinion column
    "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",  # VentureBeat / Reuters wire
    "85439e26c41c75901820d01a13e8cea7836abb58635ea3986f71a163ab0311d3",  # Japanese: cleaner fallback
])
def test_benchmark_pages_match_gold_body(stem: str) -> None:
    need(BENCH)
    page = BENCH / "html" / f"{stem}.html"
    gold = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    articles, problems = read_inputs([str(page)])
    assert problems == []
    (article,) = articles
    assert article.id == stem
    assert article.title and article.published and article.outlet
    assert token_f1(article.text, gold[article.id]["articleBody"]) >= 0.8


# --- directories and ids -------------------------------------------------------------------------


def test_walk_skips_hidden_readme_license_and_other_types(tmp_path: Path) -> None:
    for name in ["b.txt", "a.HTML", "README.md", "readme.txt", "LICENSE.txt", "License", ".hidden.txt",
                 ".git/x.txt", "notes.md", "sub/c.jsonl", "sub/d.text", "sub/e.htm"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in walk(tmp_path)]
    assert found == ["a.HTML", "b.txt", "sub/c.jsonl", "sub/d.text", "sub/e.htm"]


def test_duplicate_ids_get_suffixes(tmp_path: Path) -> None:
    body = SEED_PAGE.read_text(encoding="utf-8")
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(body, encoding="utf-8")
    (tmp_path / "c" / "story-2.txt").write_text(body, encoding="utf-8")
    articles, problems = read_inputs([str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "c")])
    assert problems == []
    # c/story-2.txt sorts before c/story.txt and finds its own name taken by b/story.txt
    assert [a.id for a in articles] == ["story", "story-2", "story-2-2", "story-3"]


def test_empty_directory_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# demo\n", encoding="utf-8")
    articles, problems = read_inputs([str(tmp_path)])
    assert articles == []
    assert problems == [Problem(str(tmp_path), "no .txt, .text, .html, .htm or .jsonl files in the directory")]


# --- bad input -----------------------------------------------------------------------------------


def test_each_bad_input_is_one_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes(SEED_PAGE.read_bytes())
    files = {
        "empty.txt": b"",
        "blank.txt": b" \n\n\t\n",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "latin1.txt": "Caf\u00e9 society gathers again tonight.\n".encode("latin-1"),
        "utf16.txt": "A title\n\nSome text.\n".encode("utf-16"),
        "nav.html": NAV_ONLY.encode("utf-8"),
        "tags.txt": b"World\nPolitics\nShare this\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    missing = str(tmp_path / "missing.txt")
    sources = [str(tmp_path / n) for n in files] + [missing, str(good)]
    articles, problems = read_inputs(sources)
    assert [a.id for a in articles] == ["good"]
    assert {p.source: p.reason for p in problems} == {
        str(tmp_path / "empty.txt"): "empty file",
        str(tmp_path / "blank.txt"): "empty file (only white space)",
        str(tmp_path / "binary.txt"): "binary file, not text",
        str(tmp_path / "latin1.txt"): "not valid UTF-8 (byte 0xe9 at offset 3)",
        str(tmp_path / "utf16.txt"): "UTF-16 text; only UTF-8 is read",
        str(tmp_path / "nav.html"): "no article text found in the HTML",
        str(tmp_path / "tags.txt"): "no article text left after cleaning",
        missing: "no such file or directory",
    }
    assert len(problems) == len(files) + 1


def test_bom_is_allowed_and_control_heavy_text_is_binary(tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + SEED_PAGE.read_bytes())
    assert not read_text_file(bom).title.startswith("\ufeff")
    noisy = tmp_path / "noisy.txt"
    noisy.write_bytes(b"text \x01\x02\x03\x04 " * 200)
    with pytest.raises(InputError, match="binary file, not text"):
        read_text_file(noisy)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(12_300_000)
    with pytest.raises(InputError) as err:
        read_one(str(big))
    assert err.value.source == str(big)
    assert err.value.reason == "file too large (12.3 MB > 10 MB limit)"


def test_unsupported_scheme_and_empty_name() -> None:
    _, problems = read_inputs(["ftp://example.org/a.txt", ""])
    assert [p.reason for p in problems] == [
        "unsupported URL scheme 'ftp' (http and https are read)", "empty input name"]


# --- JSONL ---------------------------------------------------------------------------------------


def _jsonl(tmp_path: Path, seed_article: Article) -> Path:
    page = article_page(seed_article)
    lines = [
        json.dumps({"id": "fox", "title": seed_article.title, "text": seed_article.text,
                    "outlet": "Fox News", "story": "russia-day"}),
        "",
        "{not json",
        "[1, 2]",
        json.dumps({"id": "x", "title": "No body"}),
        json.dumps({"id": "y", "text": ["a", "list"]}),
        json.dumps({"id": 7, "html": page, "url": "https://www.example.com/world/kim.html",
                    "published": "2023-06-12", "story": "russia-day", "lang_note": "kept"}),
        "   ",
    ]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_bad_lines_are_problems_and_good_lines_are_read(tmp_path: Path, seed_article: Article) -> None:
    path = _jsonl(tmp_path, seed_article)
    articles, problems = read_inputs([str(path)])
    assert [a.id for a in articles] == ["fox", "x", "7"]
    assert [(p.source, p.reason) for p in problems] == [
        (f"{path}:3", "invalid JSON (Expecting property name enclosed in double quotes at column 2)"),
        (f"{path}:4", "not a JSON object (a array)"),
        (f"{path}:6", "field 'text' must be a string, not array"),
    ]
    fox, headline, page = articles
    assert headline.headline_only and headline.title == "No body"  # a title alone is a headline (issue 16)
    assert fox.title == seed_article.title and fox.outlet == "Fox News" and fox.source == f"{path}:1"
    assert page.url == "https://www.example.com/world/kim.html" and page.published == "2023-06-12"
    assert page.outlet == "Example News"
    assert token_f1(page.text, seed_article.text) >= 0.9


def test_jsonl_story_field_is_passed_through(tmp_path: Path, seed_article: Article) -> None:
    path = _jsonl(tmp_path, seed_article)
    extras = [extra for found, extra in read_jsonl(path) if isinstance(found, Article)]
    assert extras == [{"story": "russia-day"}, {}, {"story": "russia-day", "lang_note": "kept"}]
    records, _ = read_records([str(path)])
    assert [extra.get("story") for _, extra in records] == ["russia-day", None, "russia-day"]


def test_jsonl_duplicate_ids_and_read_one_is_strict(tmp_path: Path, seed_article: Article) -> None:
    rec = json.dumps({"id": "a", "text": seed_article.text})
    path = tmp_path / "dups.jsonl"
    path.write_text(f"{rec}\n{rec}\n", encoding="utf-8")
    assert [a.id for a in read_one(str(path))] == ["a", "a-2"]
    bad = _jsonl(tmp_path, seed_article)
    with pytest.raises(InputError) as err:
        read_one(str(bad))
    assert err.value.source == f"{bad}:3"


def test_jsonl_without_records(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \n")
    _, problems = read_inputs([str(tmp_path / "empty.jsonl"), str(tmp_path / "blank.jsonl")])
    assert [p.reason for p in problems] == ["empty file", "no JSON records in the file"]


# --- HTML ----------------------------------------------------------------------------------------


def test_html_outlet_falls_back_to_domain(seed_article: Article) -> None:
    page = article_page(seed_article, site=None)
    article = article_from_html(page, source="page.html", url="https://www.example.org/news/kim-putin.html")
    assert article.id == "kim-putin"
    assert article.outlet == "example.org"
    assert article.title == seed_article.title
    assert article.language == "en"
    assert token_f1(article.text, seed_article.text) >= 0.9


def test_html_no_article_raises() -> None:
    with pytest.raises(InputError) as err:
        article_from_html(NAV_ONLY, source="nav.html")
    assert (err.value.source, err.value.reason) == ("nav.html", "no article text found in the HTML")


# --- URLs ----------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str, bytes]]] = {}
    agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's naming
        self.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/slow":
            time.sleep(1.5)
        status, ctype, body = self.pages.get(self.path, (404, "text/html", b"<h1>Not Found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # the client may have given up on purpose (timeout and size-limit tests)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # silence the server
        pass


@pytest.fixture(scope="module")
def server(seed_article: Article) -> Iterator[str]:
    _Handler.pages = {
        "/world/kim-putin.html": (200, "text/html; charset=utf-8", article_page(seed_article).encode()),
        "/api/data.json": (200, "application/json", b'{"a": 1}'),
        "/slow": (200, "text/html", b"<p>late</p>"),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_url_article_is_extracted(server: str, seed_article: Article) -> None:
    url = f"{server}/world/kim-putin.html"
    article = extract(url, timeout=5)
    assert article.id == "kim-putin"
    assert (article.url, article.source, article.outlet) == (url, url, "Example News")
    assert article.title == seed_article.title
    assert token_f1(article.text, seed_article.text) >= 0.9
    assert USER_AGENT in _Handler.agents and USER_AGENT.startswith("storylens/")


def test_url_failures_are_problems_and_the_rest_is_read(server: str) -> None:
    closed = f"http://127.0.0.1:{_closed_port()}/story"
    sources = [f"{server}/missing", f"{server}/api/data.json", closed, f"{server}/world/kim-putin.html"]
    articles, problems = read_inputs(sources, timeout=5)
    assert [a.id for a in articles] == ["kim-putin"]
    assert [(p.source, p.reason) for p in problems] == [
        (f"{server}/missing", "HTTP 404 Not Found"),
        (f"{server}/api/data.json", "not an HTML page (content type application/json)"),
        (closed, "connection refused (nothing listening at that address)"),
    ]


def test_url_errors_are_fetch_errors(server: str) -> None:
    with pytest.raises(FetchError) as err:
        read_one(f"{server}/missing")
    assert err.value.source == f"{server}/missing"
    with pytest.raises(FetchError, match=r"timed out after 0\.5 s"):
        fetch_html(f"{server}/slow", timeout=0.5)
    with pytest.raises(FetchError, match=r"page too large"):
        fetch_html(f"{server}/world/kim-putin.html", max_bytes=1000)


def test_extract_refuses_a_directory() -> None:
    with pytest.raises(InputError, match="extract reads one file or URL"):
        extract(str(SEEDS))


def test_text_opening_with_prose_keeps_its_lead_paragraph():
    from storylens.ingest.text import article_from_text

    lead = "The city council voted on Tuesday to close the old bridge to cars after engineers found cracks."
    raw = lead + "\n\nRepairs are expected to take two years and cost about four million dollars, officials said."
    article = article_from_text(raw, source="lead.txt", article_id="lead")
    assert article.text.startswith(lead)
    assert not article.title or article.title != lead


def test_date_stamps_go_but_prose_that_opens_with_posted_stays():
    from storylens.clean import line_reason

    assert line_reason("Updated on June 3, 2023 10:41 ET") == "date stamp"
    assert line_reason("Published: 12/06/2023") == "date stamp"
    assert line_reason("Posted on social media by the city's analysts, the clip drew thousands of views.") is None
    assert line_reason("Published on Monday, the survey found that rents rose sharply across the region.") is None
