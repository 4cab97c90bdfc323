"""The web app through FastAPI's TestClient: pages, JSON API schemas, search, errors, security limits.

Runs on a copy of a store holding the seed story (built once per process, see _web_seed.py). Real
URL ingest is tested against a local HTTP server serving a page written for these tests.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from _web_seed import seed_store
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from test_brief_schema import SCHEMA as BRIEF_SCHEMA

from storylens.cli import main
from storylens.errors import FetchError
from storylens.ingest import url as urlmod
from storylens.ingest.url import address_refusal, fetch_bytes, public_only
from storylens.store import MIGRATIONS, Store, fts_query
from storylens.web import MAX_UPLOAD_BYTES, create_app
from storylens.web.app import CSP

LOCAL = "http://127.0.0.1"  # the app answers loopback Host names only (web/guards.py)

HOSTILE_TEXT = (
    "The harbour board met on Tuesday to discuss the new crane. <script>window.__pwned = 1; alert(1)</script> "
    "Members agreed to spend more on safety.\n\n"
    'An image followed: <img src=x onerror="window.__pwned = 2"> and a link '
    '<a href="javascript:window.__pwned=3">click here</a> in the middle of the report about the crane.\n\n'
    "<style>body { background: rgb(255, 0, 0) !important; }</style> The chair said the crane would be ready "
    "by the spring and that the board would meet again in March."
)

# A page for URL ingest, written for these tests.
ORCHARD_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Frost damages apple orchards across the valley</title>
<meta name="author" content="Mira Holt"><meta property="og:site_name" content="Valley Ledger">
<meta property="article:published_time" content="2024-04-18"></head><body>
<nav><a href="/">Home</a> <a href="/farming">Farming</a></nav>
<article><h1>Frost damages apple orchards across the valley</h1>
<p>A late frost on Wednesday night damaged blossom in apple orchards across the valley, growers said,
and some expect to lose more than half of this year's crop.</p>
<p>Temperatures fell to minus four degrees shortly before dawn, two weeks after the trees had flowered
early in an unusually warm March, according to the regional weather office.</p>
<p>Growers lit candles and ran sprinklers between the rows through the night to protect the buds, but
the cold lasted longer than forecast and reached the higher slopes first.</p>
<p>The growers' association said it would ask the regional government for emergency help once the damage
had been counted, which is expected to take about a week.</p>
</article><footer>Valley Ledger</footer></body></html>"""


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{self.server.server_address[1]}/news/orchard")
            self.end_headers()
            return
        body = ORCHARD_PAGE.encode() if self.path == "/news/orchard" else b"missing"
        self.send_response(200 if self.path == "/news/orchard" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return seed_store(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(seed: tuple[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(seed[0]), base_url=LOCAL, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def story(seed: tuple[str, str]) -> str:
    return seed[1]


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of a page as the browser's parser sees it: (tag, attributes)."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collect().feed(page)
    return found


def _links(page: str, prefix: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({re.escape(prefix)}[^"]*)"', page)]


# ------------------------------------------------------------------------------------------- pages

def test_story_list_shows_stories_with_outlets_and_counts(client: TestClient, story: str) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert f'href="/stories/{story}"' in page.text
    assert "5 articles" in page.text and "Fox News" in page.text
    assert '<input id="q" name="q" type="search"' in page.text


def test_stories_are_newest_first(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    from storylens.corpus import ingest

    bridge = ("The council approved the new bridge over the river on Monday after a long debate about its cost "
              "and the traffic it will bring.")
    bakery = ("A small bakery in the old town won the national bread prize on Saturday for its rye loaf, beating "
              "two hundred other entries.")
    rows = [{"id": "n1", "title": "Council approves the new bridge", "published": "2024-01-05", "text": bridge},
            {"id": "n2", "title": "Bakery wins the national bread prize", "published": "2024-03-09", "text": bakery}]
    source = tmp_path / "two.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ingest([str(source)], db=db)
    with TestClient(create_app(db), base_url=LOCAL) as c:
        listed = c.get("/api/stories").json()["stories"]
        page = c.get("/").text
    assert [s["title"] for s in listed] == ["Bakery wins the national bread prize", "Council approves the new bridge"]
    assert page.index("Bakery wins") < page.index("Council approves")


def test_story_page_links_each_statement_to_its_highlighted_sentence(client: TestClient, story: str) -> None:
    page = client.get(f"/stories/{story}")
    assert page.status_code == 200
    for section in ("summary", "consensus", "contradictions", "single", "reuse", "quotes", "timeline"):
        assert f'<section id="{section}">' in page.text
    brief = client.get(f"/api/stories/{story}").json()
    spans = {(s["article"], s["start"], s["end"]): s["text"] for c in brief["claims"] for s in c["support"]}
    links = [h for h in _links(page.text, "/articles/") if "?hl=" in h]
    assert len(links) >= 20
    for href in links[:12]:
        m = re.fullmatch(r"/articles/([^?]+)\?hl=(\d+)-(\d+)#a-.*", href)
        assert m, href
        article = client.get(href.split("#")[0])
        assert article.status_code == 200
        marked = re.findall(r'<mark[^>]*class="[^"]*hl-focus[^"]*"[^>]*>(.*?)</mark>', article.text, re.DOTALL)
        key = (m.group(1), int(m.group(2)), int(m.group(3)))
        if key in spans:
            assert html.unescape("".join(marked)) == spans[key]
        assert marked and f'id="{href.split("#")[1]}"' in article.text


def test_article_page_shows_metadata_text_and_removed_lines(client: TestClient) -> None:
    page = client.get("/articles/001_4374cd0fa6f2fed4")
    assert page.status_code == 200
    assert "Fox News" in page.text and "By Greg Norman" in page.text
    assert '<details class="removed">' in page.text and "<details open" not in page.text
    assert 'class="article-text"' in page.text and "<mark" in page.text


def test_add_form_pasted_text_runs_ingest_and_links_its_story(client: TestClient) -> None:
    form = {"title": "Frost damages apple orchards", "outlet": "Valley Ledger",
            "text": re.sub(r"<[^>]+>", " ", ORCHARD_PAGE.split("<article>")[1].split("</article>")[0])}
    sent = client.post("/add", data=form, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/jobs/")
    page = _finished(client, sent.headers["location"])
    assert "Done in" in page and "new articles kept</td><td class=\"num\">1<" in page
    story = _links(page, "/stories/")[0]
    assert "Frost damages apple orchards" in client.get(story).text
    again = _finished(client, client.post("/add", data=form, follow_redirects=False).headers["location"])
    assert "already stored (skipped)</td><td class=\"num\">1<" in again  # the same paste twice: idempotent


def _finished(client: TestClient, job: str, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(job).text
        if 'http-equiv="refresh"' not in page:
            return page
        assert "Reload now" in page  # works without JavaScript
        time.sleep(0.2)
    raise AssertionError(f"{job} did not finish")


def test_add_form_with_nothing_says_what_to_do(client: TestClient) -> None:
    page = client.post("/add", data={"text": "  ", "urls": ""})
    assert page.status_code == 400 and "nothing to add: paste a text, choose files or give URLs" in page.text
    bad = client.post("/add", data={"urls": "ftp://example.org/x"})
    assert bad.status_code == 400 and "not an http(s) URL" in bad.text


# ----------------------------------------------------------------------------------------- the API

def test_api_story_is_the_cli_brief(client: TestClient, seed: tuple[str, str], story: str) -> None:
    got = client.get(f"/api/stories/{story}").json()
    jsonschema.validate(got, BRIEF_SCHEMA)
    cli = CliRunner().invoke(main, ["show", story, "--db", seed[0], "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert got == json.loads(cli.output)


def test_api_stories_is_the_cli_list(client: TestClient, seed: tuple[str, str]) -> None:
    got = client.get("/api/stories").json()
    cli = json.loads(CliRunner().invoke(main, ["stories", "--db", seed[0], "--format", "json"]).output)
    assert got["schema"] == cli["schema"] == "storylens.story-list/1"
    assert [{k: s[k] for k in cli["stories"][0]} for s in got["stories"]] == cli["stories"]
    assert got["total"] == len(cli["stories"]) and "Fox News" in got["stories"][-1]["outlet_names"]


def test_api_article_is_the_extract_schema(client: TestClient) -> None:
    got = client.get("/api/articles/003_c3926eb5271cd23d").json()
    assert got["schema"] == "storylens.article/1"
    assert {"id", "title", "author", "outlet", "published", "url", "language", "text"} <= set(got)
    assert got["story"] and got["title"].startswith("Kim Jong Un Expresses")


def test_search_finds_words_of_titles_and_text(client: TestClient, story: str) -> None:
    assert [s["id"] for s in client.get("/api/stories", params={"q": "Putin"}).json()["stories"]] == [story]
    in_text_only = client.get("/api/stories", params={"q": "insomnia tobacco"}).json()
    assert in_text_only["total"] == 1
    assert client.get("/api/stories", params={"q": "insomnia zeppelin"}).json()["total"] == 0
    page = client.get("/", params={"q": "insomnia"})
    assert "1 story with an article matching" in page.text


@settings(max_examples=60, deadline=None)
@given(q=st.text(alphabet=st.sampled_from(list('"*()^:-+ ANDORNEAR{}[]\\\'\x00\ta')), max_size=20) | st.text(max_size=20))
def test_search_never_fails_on_any_input(client: TestClient, q: str) -> None:
    assert client.get("/api/stories", params={"q": q}).status_code == 200
    assert client.get("/", params={"q": q}).status_code == 200


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('kim "jong" AND *') == '"kim" """jong""" "AND" "*"'
    assert fts_query(" \x00 ") is None


def test_not_found_is_one_line_in_html_and_json(client: TestClient) -> None:
    for path, what in [("/api/stories/nope", "no story with id 'nope'"),
                       ("/api/articles/nope", "no article with id 'nope'")]:
        r = client.get(path)
        assert r.status_code == 404 and r.json() == {"error": what}
    for path in ("/stories/nope", "/articles/nope", "/nowhere", "/jobs/nope"):
        r = client.get(path)
        assert r.status_code == 404 and 'role="alert"' in r.text and "Traceback" not in r.text


def test_a_crash_is_one_line_never_a_traceback(seed: tuple[str, str]) -> None:
    def broken(db: str, story: str) -> Any:
        raise RuntimeError("boom")

    with TestClient(create_app(seed[0], analyze=broken), base_url=LOCAL,
                    raise_server_exceptions=False) as c:
        page, api = c.get(f"/stories/{seed[1]}"), c.get(f"/api/stories/{seed[1]}")
    assert page.status_code == 500 and "internal error (RuntimeError); see the server log" in page.text
    assert api.status_code == 500 and api.json() == {"error": "internal error (RuntimeError); see the server log"}
    assert "Traceback" not in page.text + api.text


def test_api_validation_errors_are_one_line(client: TestClient) -> None:
    r = client.post("/api/articles", json={"articles": [{"title": "no text"}]})
    assert r.status_code == 422 and "needs 'text' or 'html'" in r.json()["error"]
    r = client.post("/api/articles", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and set(r.json()) == {"error"}


def test_openapi_and_docs_describe_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/articles"} <= set(spec["paths"])
    assert "post" in spec["paths"]["/api/articles"]
    docs = client.get("/docs").text
    assert "POST /api/articles" in docs and "/openapi.json" in docs


# ------------------------------------------------------------------------------------------ security

def test_every_response_carries_the_csp(client: TestClient, story: str) -> None:
    for path in ("/", f"/stories/{story}", "/add", "/api/stories", "/static/web.js", "/static/report.css",
                 "/nowhere", "/docs"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP


def test_templates_never_mark_text_safe() -> None:
    from importlib import resources

    for package, folder in (("storylens.web", "templates"), ("storylens.render", "templates")):
        for f in resources.files(package).joinpath(folder).iterdir():
            if f.name.endswith(".j2"):
                assert "|safe" not in f.read_text(encoding="utf-8").replace(" ", ""), f.name


def test_hostile_article_is_shown_as_text(client: TestClient) -> None:
    sent = client.post("/api/articles", json={"articles": [{
        "id": "hostile", "title": "Harbour <b>board</b> backs <script>alert(1)</script> crane", "text": HOSTILE_TEXT,
        "url": "javascript:alert(1)", "outlet": '<img src=x onerror="alert(1)">'}]})
    assert sent.status_code == 200 and sent.json()["report"]["kept"] == 1, sent.text
    story = sent.json()["stories"][0]
    for page in (client.get("/articles/hostile").text, client.get(f"/stories/{story}").text, client.get("/").text):
        tags = _tags(page)
        assert [a for t, a in tags if t == "script"] == [{"src": "/static/web.js", "defer": None}]
        assert not [a for _, attrs in tags for a in attrs if a.startswith("on") or a == "style"]
        assert not [a for t, a in tags if (a.get("href") or "").strip().lower().startswith("javascript:")]
        assert not {"style", "img", "b", "iframe"} & {t for t, _ in tags}
    article = client.get("/articles/hostile").text
    body = re.search(r'<div class="article-text"[^>]*>(.*?)</div>', article, re.DOTALL).group(1)  # type: ignore[union-attr]
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == HOSTILE_TEXT  # every character shown, as text
    assert "<span>javascript:alert(1)</span>" in article  # the URL shown, but never as a link


def test_upload_over_the_limit_is_refused_with_a_clear_413(seed: tuple[str, str]) -> None:
    with TestClient(create_app(seed[0]), base_url=LOCAL) as c:
        big = c.post("/add", files={"files": ("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1), "text/plain")})
    assert big.status_code == 413
    assert "upload too large: at most 20 MB per request" in big.text
    with TestClient(create_app(seed[0], max_upload_bytes=1000), base_url=LOCAL) as c:
        declared = c.post("/api/articles", json={"articles": [{"text": "y" * 2000}]})
        streamed = c.post("/add", content=iter([b"z" * 600, b"z" * 600]),
                          headers={"content-type": "multipart/form-data; boundary=b"})
        small = c.post("/api/articles", json={"urls": ["ftp://x"]})
    assert declared.status_code == 413 and declared.json() == {
        "error": "upload too large: at most 0.001 MB per request (send fewer or smaller files)"}
    assert streamed.status_code == 413 and "upload too large" in streamed.text
    assert small.status_code == 422


def test_url_ingest_refuses_private_addresses(client: TestClient, site: str) -> None:
    r = client.post("/api/articles", json={"urls": [f"{site}/news/orchard"]}).json()
    assert r["status"] == "done" and r["report"]["kept"] == 0 and r["report"]["failed"] == 1
    assert r["report"]["problems"] == [{
        "source": f"{site}/news/orchard",
        "reason": "refused: 127.0.0.1 is a loopback address (private and local addresses are read only with "
                  "--allow-private)"}]


def test_url_ingest_reads_a_served_page_with_allow_private(seed: tuple[str, str], site: str,
                                                             tmp_path: Path) -> None:
    db, _ = seed_store(tmp_path)
    with TestClient(create_app(db, allow_private=True), base_url=LOCAL) as c:
        r = c.post("/api/articles", json={"urls": [f"{site}/news/orchard"]}).json()
        assert r["report"]["kept"] == 1 and len(r["stories"]) == 1, r
        got = c.get("/api/articles/orchard").json()
    assert got["title"] == "Frost damages apple orchards across the valley" and got["url"] == f"{site}/news/orchard"


def test_redirects_are_checked_too(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urlmod, "address_refusal",
                        lambda ip: "a test-refused address" if str(ip) == "127.0.0.2" else None)
    with public_only(), pytest.raises(FetchError, match="refused: 127.0.0.2 is a test-refused address"):
        fetch_bytes(f"{site}/moved", timeout=5)


@pytest.mark.parametrize(("ip", "why"), [
    ("127.0.0.1", "a loopback address"), ("::1", "a loopback address"), ("10.1.2.3", "a private address"),
    ("192.168.0.10", "a private address"), ("172.16.5.4", "a private address"),
    ("169.254.169.254", "a link-local address"), ("fe80::1", "a link-local address"),
    ("0.0.0.0", "an unspecified address"), ("224.0.0.1", "a multicast address"), ("240.0.0.1", "a reserved address"),
    ("100.64.0.1", "not a public address"), ("::ffff:127.0.0.1", "a loopback address"),
    ("93.184.216.34", None), ("2606:4700::1111", None),
    # issue 18, defect 18: public to Python 3.12's is_global, not to IANA's registry
    ("192.0.0.8", "not a public address"), ("192.88.99.1", "not a public address"),
    ("2002:c0a8:101::1", "a private address"), ("2002:7f00:1::", "a loopback address"),  # 6to4 of 192.168.1.1, 127.0.0.1
    ("192.0.0.9", None), ("2002:808:808::1", None),  # a global anycast address; 6to4 of 8.8.8.8
])
def test_address_refusal(ip: str, why: str | None) -> None:
    import ipaddress

    assert address_refusal(ipaddress.ip_address(ip)) == why


def test_serve_binds_loopback_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    from storylens.web.server import DeadlineH11

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **kw: seen.update(vars(self.config)))
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "new.db")])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8000
    assert seen["http"] is DeadlineH11  # slow clients are timed out (web/server.py)
    assert "serving" in result.output and (tmp_path / "new.db").is_file()
    assert "[default: 127.0.0.1]" in CliRunner().invoke(main, ["serve", "--help"]).output


# ---------------------------------------------------------------------------------------- the store

def test_an_older_store_gains_search_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    db.execute("INSERT INTO articles (id, key, place, title, text, added) VALUES "
               "('a1', 'k', 'p', 'Old title', 'Text about lighthouses', '2024-01-01')")
    db.execute("INSERT INTO stories (id, title, born, n, dense, terms, updated) VALUES "
               "('s1', 'Old title', 1, 1, x'', '{}', '2024-01-01')")
    db.execute("INSERT INTO membership VALUES ('a1', 's1', 1)")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert [r.id for r in store.list_stories("lighthouses")[0]] == ["s1"]
        store.db.execute("UPDATE articles SET text = 'Text about harbours' WHERE id = 'a1'")
        assert store.list_stories("lighthouses")[1] == 0 and store.list_stories("harbours")[1] == 1
