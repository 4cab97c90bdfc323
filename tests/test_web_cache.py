"""How the web app sends a story page and its own files (web/fastpath.py): gzip when the client takes
it, an entity tag, 304 for a client that holds the current page, the same answers from the route (first
request) and from the page cache (every later one), and the security headers on all of them.

Runs on a copy of the seed store (_web_seed.py) with a stand-in analysis whose brief's title names the
story's version, so that a changed story is a changed page.
"""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Iterator

import httpx
import pytest
from _web_seed import seed_store
from fastapi.testclient import TestClient

from storylens.model import Brief, Story
from storylens.store import Store
from storylens.web import create_app
from storylens.web.app import CSP
from storylens.web.fastpath import CachedPage, accepts_gzip, not_modified

LOCAL = "http://127.0.0.1"


def _brief(db: str, story: str) -> Brief:
    with Store(db) as store:
        ids = store.members(story)
        return Brief(Story(story, f"version {store.story_version(story)}", ids), [store.article(a) for a in ids])


@pytest.fixture()
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return seed_store(tmp_path_factory.mktemp("web-cache"))


@pytest.fixture()
def client(seeded: tuple[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(seeded[0], analyze=_brief), base_url=LOCAL) as c:
        yield c


def _raw(client: TestClient, path: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """A GET and its body as sent (TestClient, like httpx, would undo the gzip)."""
    with client.stream("GET", path, headers=headers) as r:
        return r, b"".join(r.iter_raw())


def test_story_page_is_sent_gzipped_to_a_client_that_takes_it(client: TestClient, seeded: tuple[str, str]) -> None:
    path = f"/stories/{seeded[1]}"
    for _ in range(2):  # rendered by the route, then answered from the page cache
        plain, html = _raw(client, path, **{"accept-encoding": "identity"})
        packed, sent = _raw(client, path, **{"accept-encoding": "gzip, deflate, br"})
        assert plain.status_code == packed.status_code == 200
        assert "content-encoding" not in plain.headers and packed.headers["content-encoding"] == "gzip"
        assert gzip.decompress(sent) == html and b"version 1" in html
        assert int(packed.headers["content-length"]) == len(sent) < len(html) == int(plain.headers["content-length"])
        for r in (plain, packed):
            assert r.headers["etag"] == plain.headers["etag"] and r.headers["etag"].startswith('W/"')
            assert r.headers["vary"] == "accept-encoding" and r.headers["cache-control"] == "no-cache"
            assert r.headers["content-type"] == "text/html; charset=utf-8"
            assert r.headers["content-security-policy"] == CSP and r.headers["x-frame-options"] == "DENY"


def test_a_client_holding_the_page_gets_304_until_the_story_changes(seeded: tuple[str, str]) -> None:
    db, story = seeded
    path = f"/stories/{story}"
    with TestClient(create_app(db, analyze=_brief), base_url=LOCAL) as client:
        tag = client.get(path).headers["etag"]
    for _ in range(2):  # a fresh server: the route's answer, then the cache's
        with TestClient(create_app(db, analyze=_brief), base_url=LOCAL) as client:
            for held in (tag, f'"other", {tag}', tag.removeprefix("W/"), "*"):
                r = client.get(path, headers={"if-none-match": held})
                assert r.status_code == 304 and r.content == b"", held
                assert r.headers["etag"] == tag and r.headers["content-security-policy"] == CSP
            assert client.get(path, headers={"if-none-match": '"other"'}).status_code == 200
    with sqlite3.connect(db) as con:  # what an ingest or a removal does to a story it changes
        con.execute("UPDATE stories SET version = version + 1 WHERE id = ?", (story,))
    with TestClient(create_app(db, analyze=_brief), base_url=LOCAL) as client:
        r = client.get(path, headers={"if-none-match": tag})
        assert r.status_code == 200 and "version 2" in r.text and r.headers["etag"] != tag


def test_host_check_still_guards_the_cached_page(client: TestClient, seeded: tuple[str, str]) -> None:
    path = f"/stories/{seeded[1]}"
    tag = client.get(path).headers["etag"]
    refused = client.get(path, headers={"host": "rebind.example", "if-none-match": tag})
    assert refused.status_code == 400 and "rebind.example" in refused.json()["error"]


def test_app_files_are_answered_from_memory_as_they_are_on_disk(client: TestClient) -> None:
    from importlib import resources

    folder = resources.files("storylens.web").joinpath("static")
    files = {name: folder.joinpath(name).read_bytes() for name in ("web.css", "web.js", "favicon.svg")}
    files["report.css"] = resources.files("storylens.render").joinpath("templates", "report.css").read_bytes()
    kinds = {"web.css": "text/css; charset=utf-8", "report.css": "text/css; charset=utf-8",
             "web.js": "text/javascript; charset=utf-8", "favicon.svg": "image/svg+xml"}
    for name, on_disk in files.items():
        plain, body = _raw(client, f"/static/{name}", **{"accept-encoding": "identity"})
        packed, sent = _raw(client, f"/static/{name}", **{"accept-encoding": "gzip"})
        assert body == on_disk and gzip.decompress(sent) == on_disk, name
        assert plain.headers["content-type"] == packed.headers["content-type"] == kinds[name]
        assert plain.headers["cache-control"] == "public, max-age=3600"
        assert plain.headers["content-security-policy"] == CSP and plain.headers["x-content-type-options"] == "nosniff"
        held = client.get(f"/static/{name}", headers={"if-none-match": plain.headers["etag"]})
        assert held.status_code == 304 and held.content == b""
    assert client.get("/static/nosuch.css").status_code == 404
    assert client.get("/static/../pages.py").status_code == 404


@pytest.mark.parametrize(("header", "takes"), [
    ("gzip", True), ("gzip, deflate, br, zstd", True), ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
    ("x-gzip", True), ("*", True), ("GZIP", True), ("identity", False), ("", False), ("gzip;q=0", False),
    ("deflate, br", False), ("*;q=0", False), ("gzip;q=0, *", False), ("gzip;q=nonsense", False),
])
def test_accepts_gzip(header: str, takes: bool) -> None:
    assert accepts_gzip(header) is takes


def test_not_modified() -> None:
    page = CachedPage.of(b"<p>page</p>")
    tag = page.etag.decode()
    assert not_modified(page.etag, tag) and not_modified(page.etag, f'"a", {tag}') and not_modified(page.etag, "*")
    assert not_modified(page.etag, tag.removeprefix("W/"))  # weak comparison
    assert not not_modified(page.etag, "") and not not_modified(page.etag, '"a"')
    assert CachedPage.of(b"<p>page</p>").etag == page.etag != CachedPage.of(b"<p>other</p>").etag
    assert page.gzipped == b""  # gzip would make 11 bytes longer: sent as they are
    long = CachedPage.of(b"<p>page</p>" * 100)
    assert gzip.decompress(long.gzipped) == long.body and len(long.gzipped) < len(long.body)
