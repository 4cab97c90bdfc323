"""Issue 18: a page that repeats one line thousands of times is analysed without comparing every copy,
and an extraction past its time limit is skipped with one line naming the input and the limit."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import storylens
from storylens import nlp
from storylens.analyze import contradict, reuse
from storylens.cli import main
from storylens.ingest import read_inputs
from storylens.model import Article

BODY = ("The harbour board of Lindqvist Bay voted on Thursday to close the north pier for repairs. "
        "Work on the pier is expected to take about six weeks, the board said.")


def _counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls = [0]
    real = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def test_repeated_lines_are_compared_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two pages of 200 one-letter paragraphs (the HTML bomb of <p>x</p> lines, cut at the tag limit):
    # before repeats.py every copy met every copy, 40,000 calls each of _near_ratio and check_pair.
    near = _counted(monkeypatch, reuse, "_near_ratio")
    checked = _counted(monkeypatch, contradict, "check_pair")
    arts = [Article(f"page{k}", "\n\n".join(["x"] * 200 + [BODY])) for k in range(2)]
    brief = storylens.analyze(articles=[*arts, Article("report", BODY, title="Pier closes")])
    assert near[0] < 50 and checked[0] < 50
    copies = [r for r in brief.reuse if r.a.text == "x"]
    assert len(copies) == 1 and {copies[0].a.article, copies[0].b.article} == {"page0", "page1"}


def _lines_page(tmp_path: Path) -> Path:
    # 20,000 one-line paragraphs (within max_html_tags): trafilatura takes ~1 s on it, far past 0.05 s
    path = tmp_path / "lines.html"
    lines = "".join(f"<p>Notice {k}: the north pier stays closed.</p>\n" for k in range(20_000))
    path.write_text(f"<html><body>{lines}<p>{BODY}</p></body></html>", encoding="utf-8")
    return path


def test_extraction_past_its_time_limit_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLENS_MAX_EXTRACT_SECONDS", "0.05")
    page = _lines_page(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("Pier closes\n\n" + BODY + "\n", encoding="utf-8")
    start = time.monotonic()
    articles, problems = read_inputs([str(page), str(good)])
    assert time.monotonic() - start < 5  # the alarm stopped it (main thread)
    assert [a.id for a in articles] == ["good"]
    assert [str(p) for p in problems] == [f"{page}: extraction stopped after 0.05 s (max_extract_seconds); skipped"]
    got = CliRunner().invoke(main, ["extract", str(page)])
    assert got.exit_code != 0
    assert got.output.endswith(f"{page}: extraction stopped after 0.05 s (max_extract_seconds); skipped\n")


def test_extraction_time_limit_in_a_worker_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # no signal reaches a thread (the web app's ingest worker): the time is checked when extraction ends
    monkeypatch.setenv("STORYLENS_MAX_EXTRACT_SECONDS", "0.05")
    page = _lines_page(tmp_path)
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(read_inputs([str(page)])))
    worker.start()
    worker.join()
    assert out and out[0][0] == [] and [str(p) for p in out[0][1]] == [
        f"{page}: extraction stopped after 0.05 s (max_extract_seconds); skipped"]


def test_spacy_batches_are_bounded_in_characters() -> None:
    # a giant paragraph comes as pieces of MAX_PIECE; 32 of them used to go to spaCy as one batch
    pieces = ["y" * nlp.MAX_PIECE] * 5 + ["short paragraph"] * 40
    batches = list(nlp.bounded_batches(pieces, nlp.PIPE_BATCH, len))
    assert [len(b) for b in batches] == [1, 1, 1, 1, 1, 32, 8]
    assert all(sum(map(len, b)) <= nlp.BATCH_CHARS or len(b) == 1 for b in batches)
    assert [x for b in batches for x in b] == pieces
    ordinary = ["A paragraph of an ordinary news story, a few hundred characters long. " * 5] * 70
    assert [len(b) for b in nlp.bounded_batches(ordinary, nlp.PIPE_BATCH, len)] == [32, 32, 6]  # as before
