"""HTML extraction keeps headings, list items and table rows (issue 16), on real pages of the article
extraction benchmark in ../shared, read by path; the analysis reads none of them as a claim."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from _shared import SHARED, need

from storylens.ingest.html import article_from_html, decode_html, read_html_file
from storylens.model import BLOCK_KINDS, Article, article_dict

BENCH = SHARED / "data" / "article-extraction-benchmark"
# a long article with sub-headings and lists (the "2,087 of 3,223 words" kind of page)
LISTS = "c582d3b772578e8feaa3cfd8f5ae8100bb6f0bc66048204a9a398395841c1164"
# a page whose article is mostly a table (41 rows)
TABLE = "11ea381ad92b5448cf66eae62f52ac565361a244c8881615fc6a7bb523cc0c32"


def word_f1(found: str, gold: str) -> float:
    """Bag-of-words F1 (\\w+ tokens, case kept), the "F1 words" of benchmarks/bench_extraction.py."""
    a, b = Counter(re.findall(r"\w+", found)), Counter(re.findall(r"\w+", gold))
    common = sum((a & b).values())
    return 2 * common / (sum(a.values()) + sum(b.values())) if common else 0.0


def _page(page_id: str) -> Path:
    return need(BENCH / "html" / f"{page_id}.html")


@pytest.fixture(scope="module")
def gold() -> dict[str, str]:
    truth = json.loads(need(BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    return {k: truth[k]["articleBody"] for k in (LISTS, TABLE)}


@pytest.fixture(scope="module")
def pages() -> dict[str, Article]:
    return {k: read_html_file(_page(k)) for k in (LISTS, TABLE)}


def _kinds(article: Article) -> Counter[str]:
    return Counter(b.kind for b in article.blocks or [])


def test_blocks_cover_the_text_one_paragraph_each(pages: dict[str, Article]) -> None:
    for article in pages.values():
        assert article.blocks and {b.kind for b in article.blocks} <= set(BLOCK_KINDS)
        assert "\n\n".join(article.text[b.start:b.end] for b in article.blocks) == article.text
        assert all(article.text[b.start:b.end].strip() == article.text[b.start:b.end] != "" for b in article.blocks)


def test_headings_and_list_items_are_kept(pages: dict[str, Article], gold: dict[str, str]) -> None:
    from trafilatura import extract

    article = pages[LISTS]
    kinds = _kinds(article)
    assert kinds["heading"] >= 10 and kinds["list_item"] >= 20
    theirs = extract(decode_html(_page(LISTS).read_bytes())) or ""
    assert word_f1(article.text, gold[LISTS]) >= word_f1(theirs, gold[LISTS])
    assert len(re.findall(r"\w+", article.text)) >= 0.9 * len(re.findall(r"\w+", gold[LISTS]))


def test_table_rows_are_kept_as_text_rows(pages: dict[str, Article], gold: dict[str, str]) -> None:
    from trafilatura import extract

    article = pages[TABLE]
    rows = [article.text[b.start:b.end] for b in article.blocks or [] if b.kind == "table_row"]
    assert len(rows) >= 30 and sum(" | " in r for r in rows) >= 30
    theirs = extract(decode_html(_page(TABLE).read_bytes())) or ""
    assert word_f1(article.text, gold[TABLE]) >= word_f1(theirs, gold[TABLE])


def test_blocks_in_json_and_back(pages: dict[str, Article]) -> None:
    article = pages[TABLE]
    d = article.to_dict()
    assert d["blocks"][0] == {"kind": article.blocks[0].kind, "start": 0, "end": article.blocks[0].end}
    assert Article.from_dict(json.loads(json.dumps(d))) == article
    assert article_dict(article)["blocks"] == d["blocks"]
    plain = Article(id="t", text="One line.", title="T")
    assert "blocks" not in plain.to_dict() and article_dict(plain)["blocks"] is None


def test_analysis_reads_no_heading_or_table_row(pages: dict[str, Article]) -> None:
    from storylens.nlp import parse_article, prose_paragraphs, sentences_from_docs

    for article in pages.values():
        skipped = [b for b in article.blocks or [] if b.kind in ("heading", "table_row")]
        assert skipped
        offsets = {off for off, _ in prose_paragraphs(article)}
        assert not offsets & {b.start for b in skipped}
    article = pages[TABLE]
    sentences = sentences_from_docs(article.id, parse_article(article))
    rows = [(b.start, b.end) for b in article.blocks or [] if b.kind in ("heading", "table_row")]
    assert sentences and not [s for s in sentences if any(a <= s.start < z for a, z in rows)]


def test_menu_page_is_still_no_article() -> None:
    nav = ("<html><head><title>News</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
           "<li><a href='/w'>World</a></li><li><a href='/s'>Sport</a></li></ul></nav></body></html>")
    from storylens.errors import InputError

    with pytest.raises(InputError):
        article_from_html(nav, source="nav.html")


def test_store_keeps_the_blocks(tmp_path: Path, pages: dict[str, Article]) -> None:
    from storylens.store import Store

    article = pages[LISTS]
    plain = Article(id="plain", text="One line of text.", title="Plain")
    with Store(tmp_path / "s.db") as store, store.writing():
        store.put_article(article, key="k1", place="p1", added="2026-01-01T00:00:00")
        store.put_article(plain, key="k2", place="p2", added="2026-01-01T00:00:00")
    with Store(tmp_path / "s.db") as store:
        back = store.article(article.id)
        assert back.blocks == article.blocks and back.text == article.text
        assert store.article("plain").blocks is None
