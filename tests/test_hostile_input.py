"""Issue 18: hostile inputs give one clear line naming the input, and the rest of the batch is read."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from _shared import need
from click.testing import CliRunner

from storylens.cli import main
from storylens.ingest import read_inputs
from storylens.model import Article
from storylens.nlp import MAX_PIECE, paragraphs, parse_articles, sentences_from_docs
from storylens.store import MIGRATIONS, Store

LOCAL = "http://127.0.0.1"  # the app answers loopback Host names only (web/guards.py)
GOOD = '{"id": "good", "text": "The council approved the new budget for roads on Monday evening."}\n'


def _jsonl(tmp_path: Path, first_line: str) -> Path:
    path = tmp_path / "mixed.jsonl"
    path.write_text(first_line + "\n" + GOOD, encoding="utf-8")
    return path


def test_huge_json_number_is_one_problem_and_the_next_line_is_read(tmp_path: Path) -> None:
    digits = "1" * (sys.get_int_max_str_digits() + 700)
    path = _jsonl(tmp_path, '{"id": "a", "text": "Some words here.", "n": ' + digits + "}")
    articles, problems = read_inputs([str(path)])
    assert [a.id for a in articles] == ["good"]
    assert [str(p) for p in problems] == [
        f"{path}:1: a JSON number has more than {sys.get_int_max_str_digits()} digits"]


def test_deeply_nested_json_is_one_problem_and_the_next_line_is_read(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, '{"id": "a", "text": "Hi.", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    articles, problems = read_inputs([str(path)])
    assert [a.id for a in articles] == ["good"]
    assert [str(p) for p in problems] == [f"{path}:1: JSON nested too deeply to read"]


def test_ingest_cli_skips_the_bad_line_without_a_traceback(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, '{"id": "a", "text": "Hi.", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert f"{path}:1: JSON nested too deeply to read" in result.output


def test_a_paragraph_past_spacys_limit_is_parsed_in_pieces() -> None:
    sentence = "The council said its budget would rise by ten percent next year. "
    text = "Budget rises\n\n" + sentence * (1_000_001 // len(sentence) + 1)
    pieces = paragraphs(text)
    assert all(len(p) <= MAX_PIECE for _, p in pieces)
    assert all(text[o : o + len(p)] == p for o, p in pieces)
    assert all(p.endswith("year. ") for _, p in pieces[1:-1])  # cut at sentence ends
    article = Article("long", text)
    sents = sentences_from_docs("long", parse_articles([article])["long"])
    assert sents and all(text[s.start : s.end] == s.text for s in sents)


def test_ordinary_paragraphs_are_unchanged() -> None:
    text = "Title\n\nFirst paragraph. Two sentences.\nSame paragraph.\n\n\nSecond one."
    assert paragraphs(text) == [(0, "Title"), (7, "First paragraph. Two sentences.\nSame paragraph."),
                                (57, "Second one.")]


def test_verbatim_search_on_repetitive_shared_text_is_bounded_and_still_finds_the_copy() -> None:
    from storylens.analyze.reuse import MAX_PLACES, find_verbatim

    cycle = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    loop = " ".join(cycle[i % 8] for i in range(8 * (MAX_PLACES + 500)))
    opening = "the mayor of the northern town opened a new bridge across the river today "
    a, b = Article("a", opening + loop), Article("b", "Breaking: " + opening + loop)
    found = find_verbatim([a, b])  # quadratic before: 4,000 words per copy took 3 s and 360 MB
    assert len(found) == 1
    assert found[0].a.text == (opening + loop).strip()
    assert find_verbatim([Article("c", loop), Article("d", loop)]) == []


SURROGATES = ('{"id": "lone", "title": "Harbour \\ud83d board", '
              '"text": "The harbour board \\ud800 approved the new crane on Monday after a long vote."}')


def test_lone_surrogates_are_replaced_and_recorded(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, SURROGATES)
    articles, problems = read_inputs([str(path)])
    assert problems == [] and [a.id for a in articles] == ["lone", "good"]
    lone = articles[0]
    assert lone.title == "Harbour \ufffd board" and "board \ufffd approved" in lone.text
    assert lone.removed[-1]["line"] == "2 characters"
    lone.text.encode("utf-8")  # no lone surrogate left for spaCy, JSON or SQLite


def test_lone_surrogates_through_the_api_are_stored_not_a_500(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    body = ('{"articles": [' + SURROGATES + "]}").encode("ascii")
    with TestClient(create_app(str(tmp_path / "s.db")), base_url=LOCAL,
                    raise_server_exceptions=False) as client:
        sent = client.post("/api/articles", content=body, headers={"content-type": "application/json"})
        assert sent.status_code == 200 and sent.json()["report"]["kept"] == 1, sent.text
        assert "\ufffd" in client.get("/api/articles/lone").json()["title"]


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Town news</title><link>/</link>
<item><title>Relative</title><link>article.html</link><description>short</description></item>
<item><title>Local file</title><link>file://{secret}</link><description>short</description></item>
</channel></rss>"""
PAGE = ("<html><head><title>Bridge opens</title></head><body><article>"
        + "<p>The mayor of the northern town opened the new bridge across the river on Monday morning.</p>" * 8
        + "</article></body></html>")


def test_feed_file_links_that_are_not_http_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("private words that must never become an article of the feed\n" * 5)
    feed = tmp_path / "town.rss"
    feed.write_text(FEED.format(secret=secret))
    articles, problems = read_inputs([str(feed)])
    assert articles == []
    assert len(problems) == 2 and str(problems[0]) == (
        f"{feed}#entry-1: entry link 'article.html' is not an http(s) URL; not followed")
    # feedparser writes file:///x as file://x
    assert str(problems[1]).startswith(f"{feed}#entry-2: entry link 'file://")
    assert str(problems[1]).endswith("secret.txt' is not an http(s) URL; not followed")


def test_served_feed_resolves_a_relative_link_against_the_feed_url(tmp_path: Path) -> None:
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "town.rss").write_text(FEED.format(secret=tmp_path / "none.txt"))
    (tmp_path / "article.html").write_text(PAGE)
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None  # type: ignore[method-assign, assignment]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        articles, problems = read_inputs([base + "town.rss"])
    finally:
        server.shutdown()
    assert [a.url for a in articles] == [base + "article.html"]
    assert len(problems) == 1 and problems[0].reason.startswith("entry link 'file://")


def test_an_offset_past_sqlites_integers_is_a_client_error_not_a_500(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    with TestClient(create_app(str(tmp_path / "s.db")), base_url=LOCAL,
                    raise_server_exceptions=False) as client:
        assert client.get("/api/stories?offset=9223372036854775807").status_code == 200
        r = client.get("/api/stories?offset=9223372036854775808")
        assert r.status_code == 422 and "offset" in r.json()["error"]


def test_a_newline_in_an_input_name_cannot_forge_a_skipped_line(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Bridge opens\n\nThe mayor of the northern town opened the new bridge on Monday.\n")
    forged = str(tmp_path / "missing.txt\nSkipped: everything.txt: forged")
    result = CliRunner().invoke(main, ["analyze", str(good), forged, "--format", "json"])
    skipped = [line for line in result.stderr.splitlines() if line.startswith("Skipped:")]
    assert skipped == [(f"Skipped: {tmp_path}/missing.txt\\nSkipped: everything.txt: forged: "
                       "no such file or directory")]


# -- defect 10: two writers on one store --------------------------------------------------------
def test_many_connections_opening_a_new_store_at_once_all_get_it(tmp_path: Path) -> None:
    # six threads, each with its own connection, open one fresh store at the same moment: before
    # its migrations ran under the write lock, nearly every trial gave "table articles already exists"
    for trial in range(5):
        db, errors = tmp_path / f"fresh{trial}.db", []
        start = threading.Barrier(6)

        def open_store(db: Path = db, errors: list[str] = errors, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                Store(db).close()
            except Exception as exc:  # noqa: BLE001 - the test reports it
                errors.append(str(exc))

        threads = [threading.Thread(target=open_store) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with Store(db) as store:
            assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


WIKIREF = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wikiref220" / "wikiref220.jsonl"


class _SlowMemo:
    """The real embedder with its vectors remembered, and a pause per batch so two ingests overlap."""

    def __init__(self) -> None:
        from storylens.embed import get_embedder

        self.inner = get_embedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.cache: dict[str, Any] = {}
        self.lock = threading.Lock()

    def embed(self, texts: list[str]) -> Any:
        import numpy as np

        with self.lock:
            new = [t for t in dict.fromkeys(texts) if t not in self.cache]
            if new:
                self.cache.update(zip(new, self.inner.embed(new)))
        time.sleep(0.05)
        return np.vstack([self.cache[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def _wikiref(n: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in need(WIKIREF).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": f"w{i:03d}", "title": r["title"], "text": r["text"]} for i, r in enumerate(rows[:n])]


def _write_jsonl(path: Path, records: list[dict[str, str]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def _contents(db: Path) -> tuple[set[frozenset[str]], list[str]]:
    with Store(db) as store:
        ids = sorted(r[0] for r in store.db.execute("SELECT id FROM articles"))
        return {frozenset(store.members(r.id)) for r in store.stories()}, ids


def test_two_ingests_at_once_store_what_one_after_the_other_does(tmp_path: Path) -> None:
    from storylens.corpus import ingest

    records = _wikiref(40)
    half = [_write_jsonl(tmp_path / "a.jsonl", records[:20]), _write_jsonl(tmp_path / "b.jsonl", records[20:])]
    emb = _SlowMemo()
    for source in half:
        ingest([source], db=str(tmp_path / "serial.db"), embedder=emb, batch=3)
    # both halves at once, each from its own thread; the second waits for the store
    waited: list[str] = []
    errors: list[BaseException] = []

    reading = threading.Event()  # the first ingest has the store and reads its half

    def run(source: str) -> None:
        try:
            ingest([source], db=str(tmp_path / "both.db"), embedder=emb, batch=3,
                   waiting=lambda: waited.append(source), progress=lambda _: reading.set())
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in half]
    threads[0].start()
    assert reading.wait(60)  # a comes first: the same order as the serial store
    threads[1].start()
    for t in threads:
        t.join()
    assert errors == []
    assert waited == [half[1]]
    assert _contents(tmp_path / "both.db") == _contents(tmp_path / "serial.db")


def test_a_second_ingest_says_it_is_waiting_for_the_store(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    text = tmp_path / "bridge.txt"
    text.write_text("Bridge opens\n\nThe mayor of the northern town opened the new bridge on Monday.\n")
    holder = Store(db)
    held = holder.writing()
    held.__enter__()
    threading.Timer(1.0, lambda: held.__exit__(None, None, None)).start()
    try:
        result = CliRunner().invoke(main, ["ingest", str(text), "--db", str(db), "--format", "json"])
    finally:
        holder.close()
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f"{db}: waiting for the store (another ingest is writing to it)"
    assert json.loads(result.stdout)["kept"] == 1


# -- defects 11 and 12: cross-site writes, foreign Host names -----------------------------------
PASTED = {"title": "Bridge opens", "text": "The mayor of the northern town opened the new bridge on Monday."}


def test_writes_sent_from_another_sites_pages_are_refused(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    with TestClient(create_app(str(tmp_path / "s.db")), base_url=LOCAL) as client:
        for headers in ({"origin": "http://evil.example"}, {"origin": "null"},
                        {"sec-fetch-site": "cross-site", "origin": "http://evil.example"},
                        {"sec-fetch-site": "same-site"}, {"origin": "https://127.0.0.1"}):
            r = client.post("/add", data=PASTED, headers=headers, follow_redirects=False)
            assert r.status_code == 403, (headers, r.status_code)
            assert r.json()["error"].startswith("cross-site request refused (")
        r = client.post("/api/articles", json={"articles": [PASTED]}, headers={"origin": "http://evil.example"})
        assert r.status_code == 403
        assert client.get("/api/stories").json()["total"] == 0  # nothing was stored
        # the app's own form (a browser sends its origin and same-origin), and clients that are no browser
        own = client.post("/add", data=PASTED, follow_redirects=False,
                          headers={"origin": LOCAL, "sec-fetch-site": "same-origin"})
        assert own.status_code == 303
        assert client.post("/api/articles", json={"articles": []}).status_code == 422  # past the guard


def test_only_allowed_host_names_are_answered(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app
    from storylens.web.guards import allowed_hosts

    db = str(tmp_path / "s.db")
    with TestClient(create_app(db), base_url=LOCAL) as client:
        for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"):
            assert client.get("/api/stories", headers={"host": host}).status_code == 200, host
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""):
            r = client.get("/api/stories", headers={"host": host})
            assert r.status_code == 400, host
            assert "is not served here (start the server with --allowed-host NAME" in r.json()["error"]
    with TestClient(create_app(db, hosts=allowed_hosts("0.0.0.0", ["news.example"])), base_url=LOCAL) as client:
        assert client.get("/", headers={"host": "news.example:8000"}).status_code == 200
        assert client.get("/", headers={"host": "0.0.0.0"}).status_code == 400
    assert allowed_hosts("192.168.1.5") == ("localhost", "127.0.0.1", "::1", "192.168.1.5")
    with TestClient(create_app(db, hosts=["*"]), base_url=LOCAL) as client:
        assert client.get("/", headers={"host": "anything.example"}).status_code == 200


# -- defect 13: pipes and devices in a walked directory ------------------------------------------
def _in_thread(call: Any, seconds: float) -> Any:
    """``call()`` run in a thread; fails the test when it is still running after ``seconds``."""
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(call()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return out[0]


def test_only_regular_files_are_read_from_a_directory(tmp_path: Path) -> None:
    import os

    from storylens.ingest import walk

    (tmp_path / "good.txt").write_text("Bridge opens\n\nThe mayor of the town opened the new bridge on Monday.\n")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "noise.html").symlink_to("/dev/urandom")
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "linked.txt").symlink_to(tmp_path / "good.txt")  # a link to a regular file is read
    articles, problems = _in_thread(lambda: read_inputs([str(tmp_path)]), 30)
    assert [a.id for a in articles] == ["good", "linked"]
    assert sorted(str(p) for p in problems) == [
        f"{tmp_path}/noise.html: a character device, not a regular file; only regular files are read from a directory",
        f"{tmp_path}/pipe.jsonl: a named pipe, not a regular file; only regular files are read from a directory",
        f"{tmp_path}/zero.txt: a character device, not a regular file; only regular files are read from a directory"]
    assert [p.name for p in walk(tmp_path)] == ["good.txt", "linked.txt"]


def test_a_device_named_as_an_input_is_read_only_up_to_the_size_limit() -> None:
    from storylens.ingest._files import MAX_BYTES

    articles, problems = _in_thread(lambda: read_inputs(["/dev/zero"]), 30)
    assert articles == []
    assert [str(p) for p in problems] == [f"/dev/zero: file too large (over the {MAX_BYTES // 1_000_000} MB limit)"]


# -- defect 7 and the per-article limit: HTML bombs, huge texts ----------------------------------
BRIDGE = "<p>The mayor of the northern town opened the new bridge across the river on Monday morning.</p>" * 5
BOMBS = {  # the shapes that stalled extraction for minutes (issue 18, defect 7)
    "attributes": "<div " + " ".join(f'a{i}="x"' for i in range(2_000_000 // 12)) + ">x</div>",  # 2 MB
    "lines": "<p>x</p>\n" * (8_000_000 // 9),  # 8 MB
    "nesting": "<div>" * (8_000_000 // 5),  # 8 MB
}


def test_html_bombs_are_cut_at_a_limit_and_the_article_kept(tmp_path: Path) -> None:
    from storylens.ingest.limits import MAX_HTML_CHARS, MAX_HTML_TAGS, MAX_TAG_ATTRIBUTES

    for name, bomb in BOMBS.items():
        (tmp_path / f"{name}.html").write_text(f"<html><body>{BRIDGE}{bomb}</body></html>")
    started = time.perf_counter()
    # 1 MB of attributes alone took 184 s before; all three now take a few seconds
    articles, problems = _in_thread(lambda: read_inputs([str(tmp_path)]), 120)
    assert time.perf_counter() - started < 60
    assert sorted(a.id for a in articles) == ["attributes", "lines", "nesting"]
    assert all("opened the new bridge" in a.text for a in articles)
    chars = f"HTML cut at {MAX_HTML_CHARS:,} characters (max_html_chars)"
    tags = f"HTML cut at {MAX_HTML_TAGS:,} tags (max_html_tags)"
    assert sorted(str(p) for p in problems) == [
        (f"{tmp_path}/attributes.html: attributes dropped from 1 tag with more than {MAX_TAG_ATTRIBUTES} "
         "(max_tag_attributes)"),
        f"{tmp_path}/lines.html: {chars}", f"{tmp_path}/lines.html: {tags}",
        f"{tmp_path}/nesting.html: {chars}", f"{tmp_path}/nesting.html: {tags}"]
    assert all(getattr(p, "kept", False) for p in problems)
    lines = next(a for a in articles if a.id == "lines")
    assert lines.removed[-1] == {"line": "(markup)", "reason": tags, "limit": "yes"}


def test_an_article_past_the_character_limit_is_cut_at_a_sentence_end(tmp_path: Path) -> None:
    from storylens.ingest.limits import MAX_ARTICLE_CHARS

    sentence = "The council said its budget for the roads of the district would rise next year. "
    long = tmp_path / "long.txt"
    long.write_text("Budget rises\n\n" + sentence * (MAX_ARTICLE_CHARS // len(sentence) + 2000))
    (tmp_path / "short.txt").write_text("Bridge opens\n\n" + sentence)
    articles, problems = read_inputs([str(long), str(tmp_path / "short.txt")])
    assert [a.id for a in articles] == ["long", "short"]
    cut = articles[0]
    assert len(cut.text) <= MAX_ARTICLE_CHARS and cut.text.endswith("next year.")
    assert [str(p) for p in problems] == [
        f"{long}: text cut at a sentence end before {MAX_ARTICLE_CHARS:,} characters (max_article_chars)"]
    assert cut.removed[-1]["line"].startswith("The council said its budget")
    assert cut.removed[-1]["line"].endswith(" characters)")


def test_the_cli_warns_of_a_cut_article_and_keeps_it(tmp_path: Path) -> None:
    from storylens.ingest.limits import MAX_HTML_TAGS

    page = tmp_path / "lines.html"
    page.write_text(f"<html><body>{BRIDGE}{BOMBS['lines']}</body></html>")
    result = CliRunner().invoke(main, ["cluster", str(page), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == f"Warning: {page}: HTML cut at {MAX_HTML_TAGS:,} tags (max_html_tags)"
    assert json.loads(result.stdout)["stories"][0]["articles"] == ["lines"]


# -- defect 9: file names that are not UTF-8 -----------------------------------------------------
def test_a_file_name_that_is_not_utf8_is_kept_escaped(tmp_path: Path) -> None:
    import os

    folder = os.fsencode(tmp_path)
    with open(folder + b"/caf\xe9.txt", "w", encoding="utf-8") as f:
        f.write("Bridge opens\n\nThe mayor of the northern town opened the new bridge across the river on Monday.\n")
    with open(folder + b"/bin\xff.txt", "wb") as f:
        f.write(b"\x00\x01\x02" * 100)
    articles, problems = read_inputs([str(tmp_path)])
    assert [(a.id, a.source) for a in articles] == [("caf\\xe9", f"{tmp_path}/caf\\xe9.txt")]
    assert [str(p) for p in problems] == [f"{tmp_path}/bin\\xff.txt: binary file, not text"]
    db = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output  # UnicodeEncodeError in SQLite before
    assert json.loads(result.stdout)["kept"] == 1
    assert result.stderr.splitlines() == [f"Skipped: {tmp_path}/bin\\xff.txt: binary file, not text"]
    with Store(db) as store:
        assert store.article("caf\\xe9").source == f"{tmp_path}/caf\\xe9.txt"


# -- defect 15: slow clients ---------------------------------------------------------------------
def test_slow_clients_are_disconnected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import uvicorn

    from storylens.web.app import create_app
    from storylens.web.server import DeadlineH11, config

    monkeypatch.setattr(DeadlineH11, "head_seconds", 1.0)
    monkeypatch.setattr(DeadlineH11, "body_seconds", 1.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(config(create_app(str(tmp_path / "s.db")), "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        def closed_after(first: bytes, wait: float = 6.0) -> float | None:
            """Seconds until the server closes a connection that sent ``first`` and then nothing."""
            with socket.create_connection(("127.0.0.1", port)) as c:
                c.settimeout(wait)
                c.sendall(first)
                started = time.monotonic()
                try:
                    while c.recv(4096):
                        pass
                except TimeoutError:
                    return None
                return time.monotonic() - started

        head = closed_after(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # the head never ends
        body = closed_after(b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 100000\r\n\r\n{\"articles\"")  # nor the body
        silent = closed_after(b"")  # connected, sends nothing
        assert head is not None and head < 3, head
        assert body is not None and body < 3, body
        assert silent is not None and silent < 3, silent
        # an ordinary request on the same server is answered
        with socket.create_connection(("127.0.0.1", port)) as c:
            c.sendall(b"GET /api/stories HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert c.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# -- defect 17: clearer errors -------------------------------------------------------------------
def test_an_id_that_is_no_whole_number_says_so(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, '{"id": 1e400, "text": "The council approved the budget."}')
    articles, problems = read_inputs([str(path)])
    assert [a.id for a in articles] == ["good"]
    assert [str(p) for p in problems] == [
        f"{path}:1: field 'id' must be a string or a whole number, not inf (a number with a fraction or an exponent)"]
    path = _jsonl(tmp_path, '{"id": [1], "text": "The council approved the budget."}')
    assert [p.reason for p in read_inputs([str(path)])[1]] == [
        "field 'id' must be a string or a whole number, not array"]


def test_the_limits_are_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sentence = "The council said its budget for the roads of the district would rise next year. "
    path = tmp_path / "budget.txt"
    path.write_text("Budget rises\n\n" + sentence * 30)
    monkeypatch.setenv("STORYLENS_MAX_ARTICLE_CHARS", "1000")
    articles, problems = read_inputs([str(path)])
    assert len(articles[0].text) <= 1000 and articles[0].text.endswith("next year.")
    assert [p.reason for p in problems] == ["text cut at a sentence end before 1,000 characters (max_article_chars)"]
    monkeypatch.setenv("STORYLENS_MAX_HTML_TAGS", "3")
    page = tmp_path / "page.html"
    page.write_text(f"<html><body>{BRIDGE}</body></html>")
    articles, problems = read_inputs([str(page)])
    assert [p.reason for p in problems] == ["HTML cut at 3 tags (max_html_tags)"]


def test_a_web_job_says_it_is_waiting_for_the_store(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    db = str(tmp_path / "s.db")
    with TestClient(create_app(db), base_url=LOCAL) as client:
        holder = Store(db)
        held = holder.writing()
        held.__enter__()  # another ingest is writing
        try:
            job = client.post("/add", data=PASTED, follow_redirects=False).headers["location"]
            deadline = time.monotonic() + 60
            while "Waiting for the store" not in client.get(job).text:
                assert time.monotonic() < deadline, client.get(job).text
                time.sleep(0.1)
        finally:
            held.__exit__(None, None, None)
            holder.close()
        while "status-done" not in (page := client.get(job).text):
            assert time.monotonic() < deadline + 60 and "status-failed" not in page, page
            time.sleep(0.2)
        assert client.get("/api/stories").json()["total"] == 1


def test_the_ingest_queue_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from storylens.web import jobs
    from storylens.web.app import create_app

    monkeypatch.setattr(jobs, "MAX_WAITING", 2)
    db = str(tmp_path / "s.db")
    with TestClient(create_app(db), base_url=LOCAL) as client:
        holder = Store(db)
        held = holder.writing()
        held.__enter__()  # the first job waits for the store; the next two wait for it
        try:
            sent = [client.post("/add", data=PASTED, follow_redirects=False)]
            deadline = time.monotonic() + 30
            while "Waiting for the store" not in client.get(sent[0].headers["location"]).text:
                assert time.monotonic() < deadline
                time.sleep(0.1)
            sent += [client.post("/add", data={**PASTED, "title": f"Bridge {n}"}, follow_redirects=False)
                     for n in range(3)]
            refused = client.post("/api/articles", json={"articles": [PASTED]})
        finally:
            held.__exit__(None, None, None)
            holder.close()
        assert [r.status_code for r in sent] == [303, 303, 303, 503]
        assert refused.status_code == 503 and refused.headers["retry-after"] == "60"
        assert refused.json()["error"] == "add articles: 2 ingest jobs are waiting already; try again in a minute"
