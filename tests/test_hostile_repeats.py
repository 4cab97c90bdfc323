"""Issue 18: a page that repeats one line thousands of times is analysed without comparing every copy."""

from __future__ import annotations

from typing import Any

import pytest

import storylens
from storylens.analyze import contradict, reuse
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
