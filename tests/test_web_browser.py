"""The web app end to end in real headless Chromium (Debian's /usr/bin/chromium driven by playwright;
no browser download): the seed story's contradiction X1 and consensus facts are on the story page,
their links lead to the supporting sentences highlighted, an article added through the form appears
in its story, and hostile article text is shown as text and never runs.

Screenshots of the story page and an article page go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from _web_seed import seed_store

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Consensus facts of gold.json the story page must show (the project's foundation bar, as score_brief.py).
MIN_CONSENSUS = 10
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                         "\u2013": "-", "\u2014": "-"})

ADDED_TITLE = "Kim sends Putin a Russia Day message of support"
ADDED_TEXT = (  # written for this test: the same event, in other words
    "North Korean leader Kim Jong Un sent a message to Russian President Vladimir Putin on Russia Day, "
    "pledging full support for Moscow, the state news agency KCNA reported on Monday.\n\n"
    "In the message, Kim said the two countries would deepen their strategic cooperation and that the "
    "friendship between Pyongyang and Moscow had grown stronger than ever.\n\n"
    "Kim praised Putin's leadership and said the North Korean people stood firmly with the Russian people.")
HOSTILE_TITLE = "Harbour board backs crane <script>window.__pwned = 'title'</script>"
HOSTILE_TEXT = (
    "The harbour board met on Tuesday to discuss the new crane. <script>window.__pwned = 1; alert(1)</script> "
    "Members agreed to spend more on safety.\n\n"
    'An image followed: <img src=x onerror="window.__pwned = 2; alert(2)"> and a link '
    '<a href="javascript:window.__pwned=3">click here</a> in the middle of the report about the crane.\n\n'
    "<style>body { background: rgb(255, 0, 0) !important; }</style> The chair said the crane would be ready "
    "by the spring and that the board would meet again in March.")


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").translate(_QUOTES)).strip().lower()


def matches(fragment: str, text: str) -> bool:
    """gold.json's rule (score_brief.py): one contains the other after folding."""
    f, t = fold(fragment), fold(text)
    return bool(t) and (f in t or (len(t) >= 20 and t in f))


def article_of(href: str) -> str:
    return unquote(href.split("?")[0].split("#")[0].removeprefix("/articles/"))


def gold_key(article_id: str, keys: list[str]) -> str | None:
    return next((k for k in keys if article_id.startswith(k)), None)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from storylens.web import create_app

    db, _ = seed_store(tmp_path_factory.mktemp("browser"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    yield tab
    context.close()


_READ_STORY = """() => ({
  consensus: [...document.querySelectorAll('#consensus .item.consensus')].map(el =>
    [...el.querySelectorAll('ul.support li')].map(li => ({
      href: li.querySelector('a.cite').getAttribute('href'), text: li.querySelector('.said').textContent}))),
  contradictions: [...document.querySelectorAll('#contradictions .contradiction')].map(el => ({
    explanation: el.querySelector('.explain').textContent,
    sides: [...el.querySelectorAll('.side')].map(s => ({
      href: s.querySelector('a.cite').getAttribute('href'), text: s.querySelector('p.said').textContent}))}))
})"""


def open_seed_story(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.get_by_role("link", name=re.compile("Kim Jong", re.IGNORECASE)).first.click()
    page.wait_for_selector("#consensus")


def found_consensus(shown: list[list[dict[str, str]]], gold: dict) -> dict[str, dict[str, str]]:
    """Gold consensus id -> one support (href, text) of the claim that carries it, as score_brief.py counts."""
    keys, found = list(gold["articles"]), {}
    for fact in gold["consensus"]:
        best: tuple[set[str], dict[str, str] | None] = (set(), None)
        for supports in shown:
            hits = [(k, s) for s in supports
                    if (k := gold_key(article_of(s["href"]), keys)) in fact["fragments"]
                    and matches(fact["fragments"][k], s["text"])]
            if len({k for k, _ in hits}) > len(best[0]):
                best = ({k for k, _ in hits}, hits[0][1])
        if len(best[0]) >= 2 and best[1] is not None:
            found[fact["id"]] = best[1]
    return found


def find_x1(shown: list[dict[str, Any]], gold: dict, which: str = "X1") -> dict[str, Any] | None:
    x1 = next(x for x in gold["contradictions"] if x["id"] == which)
    keys = list(gold["articles"])

    def hit(side: dict[str, str], gold_side: dict[str, str]) -> bool:
        k = gold_key(article_of(side["href"]), keys)
        return k in gold_side and matches(gold_side[k], side["text"])

    for c in shown:  # side A, then the sentences of other outlets that contradict it
        a, others = c["sides"][0], c["sides"][1:]
        if any((hit(a, x1["side_a"]) and hit(b, x1["side_b"])) or (hit(b, x1["side_a"]) and hit(a, x1["side_b"]))
               for b in others):
            return c
    return None


def check_highlight(page: Any, server: str, href: str, said: str) -> None:
    """Following ``href`` shows the article with exactly the sentence ``said`` highlighted, in view."""
    page.goto(server + href)
    marks = page.locator("mark.hl-focus")
    assert marks.count() >= 1, href
    assert fold("".join(marks.all_text_contents())) == fold(said), href
    anchor = href.split("#", 1)[1]
    assert page.evaluate("location.hash") == f"#{anchor}"
    assert page.locator(f'[id="{anchor}"]').count() == 1  # the mark, or an empty anchor just before it
    assert marks.first.is_visible() and marks.first.evaluate(  # scrolled into view
        "el => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }")


def test_story_shows_x1_and_consensus_with_links_to_highlights(page: Any, server: str, gold: dict) -> None:
    open_seed_story(page, server)
    shown = page.evaluate(_READ_STORY)
    x1 = find_x1(shown["contradictions"], gold)
    assert x1 is not None, "contradiction X1 of gold.json is not on the story page"
    assert x1["explanation"].strip()
    consensus = found_consensus(shown["consensus"], gold)
    assert len(consensus) >= MIN_CONSENSUS, sorted(consensus)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "story.png"), full_page=True)

    # click X1's first side as a reader would; follow every other link directly
    link = page.locator(f'#contradictions a.cite[href="{x1["sides"][0]["href"]}"]').first
    link.click()
    page.wait_for_load_state()
    assert article_of(page.url.removeprefix(server)) == article_of(x1["sides"][0]["href"])
    check_highlight(page, server, x1["sides"][0]["href"], x1["sides"][0]["text"])
    page.screenshot(path=str(ARTIFACTS / "article.png"))
    print(f"\nscreenshots: {ARTIFACTS / 'story.png'}, {ARTIFACTS / 'article.png'}")
    check_highlight(page, server, x1["sides"][1]["href"], x1["sides"][1]["text"])
    for support in consensus.values():
        check_highlight(page, server, support["href"], support["text"])
    assert page.dialogs == []


_READ_GLANCE = """() => ({
  items: [...document.querySelectorAll('#glance .glance-x')].map(el => ({
    top: el.getBoundingClientRect().top + scrollY,
    sides: [...el.querySelectorAll('.gside')].map(s => ({
      href: s.querySelector('a.cite').getAttribute('href'), text: s.querySelector('.said').textContent}))})),
  facts: document.querySelector('#glance .glance-facts').getBoundingClientRect().top + scrollY,
  consensus: document.querySelector('#consensus').getBoundingClientRect().top + scrollY,
  scroll: document.documentElement.scrollWidth, width: innerWidth,
  wide: [...document.querySelectorAll('body *')].filter(e => !e.closest('.grid-wrap')
    && e.getBoundingClientRect().right > innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5)
})"""


@pytest.mark.parametrize("width", [390, 1366])
def test_glance_shows_the_seed_contradictions_first_without_sideways_scroll(browser: Any, server: str, gold: dict,
                                                                            width: int) -> None:
    """Issue 15: the at-a-glance panel holds both contradictions of gold.json above every consensus list
    (its own best-supported facts, then the Consensus section), on a phone and on a laptop."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    open_seed_story(tab, server)
    shown = tab.evaluate(_READ_GLANCE)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"story-{width}.png"), full_page=True)
    assert shown["scroll"] <= shown["width"], shown["wide"]
    assert not shown["wide"]
    for which in ("X1", "X2"):
        item = find_x1(shown["items"], gold, which)
        assert item is not None, f"contradiction {which} of gold.json is not at a glance"
        assert item["top"] < shown["facts"] < shown["consensus"]
    context.close()


def _add_through_form(page: Any, server: str, title: str, text: str, outlet: str) -> None:
    page.goto(server + "/add")
    page.fill("#title", title)
    page.fill("#outlet", outlet)
    page.fill("#text", text)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/jobs/"))
    page.wait_for_selector(".status-done, .status-failed", timeout=90_000)  # the page reloads itself
    assert page.locator(".status-done").count() == 1, page.inner_text("main")


def test_added_article_appears_in_its_story(page: Any, server: str) -> None:
    _add_through_form(page, server, ADDED_TITLE, ADDED_TEXT, "Test Courier")
    assert "new articles kept 1" in " ".join(page.inner_text("table.report").split())
    page.locator("ul.affected a").first.click()
    page.wait_for_selector("#articles")
    assert page.locator("table.articles", has_text=ADDED_TITLE).count() == 1
    assert page.locator("table.articles tbody tr").count() == 6  # the five seed articles and this one
    assert page.locator("h1").inner_text().strip()


def test_hostile_article_is_shown_as_text_and_never_runs(page: Any, server: str) -> None:
    _add_through_form(page, server, HOSTILE_TITLE, HOSTILE_TEXT, '<img src=x onerror="window.__pwned = 4">')
    page.locator("ul.affected a").first.click()
    page.wait_for_selector("#articles")
    _assert_inert(page)
    page.locator("table.articles a.cite").first.click()
    page.wait_for_selector(".article-text")
    _assert_inert(page)
    assert "<script>window.__pwned = 1; alert(1)</script>" in page.inner_text(".article-text")
    assert "<style>body { background: rgb(255, 0, 0) !important; }</style>" in page.inner_text(".article-text")
    page.locator(".article-text").hover()
    page.goto(server + "/")
    _assert_inert(page)
    assert '<img src=x onerror="window.__pwned = 4">' in page.inner_text("ol.stories")


def _assert_inert(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    assert page.locator('main script, main style, main img, main [onerror], a[href^="javascript:"]').count() == 0
    assert page.locator("script").count() == 1 and page.locator("script").get_attribute("src") == "/static/web.js"


def test_pages_work_without_javascript(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/")
    tab.get_by_role("link", name=re.compile("Kim Jong", re.IGNORECASE)).first.click()
    tab.wait_for_selector("#contradictions .contradiction")
    href = tab.locator("#consensus a.cite").first.get_attribute("href")
    tab.goto(server + href)
    assert tab.locator("mark.hl-focus").count() >= 1
    tab.goto(server + "/?q=insomnia")
    assert tab.locator("ol.stories li").count() == 1
    context.close()


# -- cross-site forms (issue 18, defect 11) ------------------------------------------------------
_ATTACK = """<!doctype html><html><body>
<form id="f" method="post" action="{action}" enctype="{enctype}">
<input name="title" value="Forged article"><textarea name="text">{text}</textarea></form>
<script>document.getElementById("f").submit();</script></body></html>"""
FORGED_TEXT = ("Someone else's page tried to store this text about a forged tram timetable in the app, "
               "and the app must refuse it because the form was not one of its own pages.")


@pytest.fixture(scope="module")
def other_site() -> Iterator[Any]:
    """A page of another site (http://localhost:PORT: another host than the app's 127.0.0.1, so the
    browser calls its requests cross-site) whose form posts itself to the app as soon as it loads."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield pages, f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()


def _attack(page: Any, other_site: Any, name: str, action: str, enctype: str = "multipart/form-data") -> Any:
    pages, origin = other_site
    pages[f"/{name}"] = _ATTACK.format(action=action, enctype=enctype, text=FORGED_TEXT)
    with page.expect_response(lambda r: r.url == action and r.request.method == "POST") as answer:
        page.goto(f"{origin}/{name}")
    page.wait_for_load_state()
    return answer.value


def test_another_sites_form_cannot_write_to_the_store(page: Any, server: str, other_site: Any) -> None:
    refused = _attack(page, other_site, "add", server + "/add")
    assert refused.status == 403
    assert refused.request.headers.get("origin") in ("null", other_site[1])
    assert "cross-site request refused" in page.inner_text("body")
    page.goto(server + "/?q=timetable")
    assert page.locator("ol.stories li").count() == 0  # nothing was stored
    page.goto(server + "/")
    target = page.locator("ol.stories a").first.get_attribute("href")
    page.goto(server + target)
    article = page.locator("table.articles a.cite").first.get_attribute("href").split("?")[0].split("#")[0]
    for enctype in ("multipart/form-data", "application/x-www-form-urlencoded", "text/plain"):
        refused = _attack(page, other_site, f"remove-{enctype.split('/')[1]}", server + article + "/remove", enctype)
        assert refused.status == 403, enctype
        assert page.goto(server + article).status == 200  # the article is still there


def test_the_remove_button_on_an_article_page_removes_it(page: Any, server: str) -> None:
    _add_through_form(page, server, "Tram timetable changes next week", (
        "The city's tram operator will change its weekday timetable from next Monday, adding two late "
        "services on the river line, a spokesperson said on Thursday.\n\nThe operator said the change "
        "followed a survey of riders."), "Test Courier")
    page.locator("ul.affected a").first.click()
    page.wait_for_selector("#articles")
    assert page.locator("table.articles tbody tr").count() == 1  # a story of its own
    page.locator("table.articles a.cite").first.click()
    page.wait_for_selector(".article-text")
    address = page.url.split("?")[0].split("#")[0]
    page.click("form.remove button[type=submit]")
    page.wait_for_url(lambda url: url.split("?")[0] != address)
    assert page.goto(address).status == 404


def test_splitting_an_article_off_on_the_story_page_and_undoing_it(page: Any, server: str) -> None:
    """The curation forms (issue 16): tick an article, Split; the story page comes back without it and
    the article has a story of its own; Undo puts it back."""
    open_seed_story(page, server)
    story = page.url.split("?")[0].split("#")[0]
    rows = page.locator("table.articles tbody tr").count()
    box = page.locator("form.curate.split input[name=articles]").first
    article = box.get_attribute("value")
    box.check()
    page.click("form.curate.split button[type=submit]")
    page.wait_for_selector("#articles")
    assert page.url.split("?")[0] == story
    assert page.locator("table.articles tbody tr").count() == rows - 1
    assert page.locator(f"form.curate.split input[value='{article}']").count() == 0
    page.goto(f"{server}/articles/{article}")
    page.locator(".crumbs a").click()  # its own story now
    page.wait_for_selector("#articles")
    assert page.url.split("?")[0] != story and page.locator("table.articles tbody tr").count() == 1
    page.click("form.curate.undo button[type=submit]")
    page.wait_for_url(lambda url: url.split("?")[0] == story)  # the story split off is gone: back to its source
    page.wait_for_selector("#articles")
    assert page.locator("table.articles tbody tr").count() == rows
