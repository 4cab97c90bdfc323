"""Story titles (issue 15): the headline of the most central article that has one, never a body
sentence or boilerplate, stable while articles are added unless a much more central one arrives.
Examples are invented."""

from __future__ import annotations

import numpy as np
import pytest

from storylens.clean import is_headline
from storylens.cluster import TITLE_SWITCH_MARGIN, StoryState, central_title, repeated_titles


@pytest.mark.parametrize("title", [
    "Harbour board approves new crane after long debate",
    "Storm cuts power to 40,000 homes",
    "Mayor quits. Council stunned.",
    "Ferry strike: what travellers need to know",
])
def test_headlines_are_titles(title: str) -> None:
    assert is_headline(title)


@pytest.mark.parametrize("title", [
    "",
    "News",  # a section tag
    "Published 3 hours ago",
    "SUBSCRIBE NOW FOR THE LATEST HARBOUR NEWS AND MORE",  # a promo line in capitals
    "(jdoe@example.org; @jdoe)",  # a contact line
    # a lead sentence taken for a title: longer than any but 1% of headlines
    ("The harbour board met on Tuesday evening to approve the new crane, which members said would be "
     "ready by the spring and cost far less than the old one."),
])
def test_body_sentences_and_boilerplate_are_not(title: str) -> None:
    assert not is_headline(title)


class _Index:
    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def vector(self, key: str) -> np.ndarray:
        return self.vectors[key]


def _unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def _story(vectors: dict[str, np.ndarray]) -> StoryState:
    return StoryState("s1", sum(vectors.values()), {}, members=list(vectors))


TITLES = {"a": "Crane approved by harbour board", "b": "Harbour gets its new crane at last",
          "c": "Board backs crane plan", "d": "Latest news from the harbour"}


def test_the_most_central_headline_is_the_title() -> None:
    vectors = {"a": _unit(1, 0.3, 0), "b": _unit(1, 0, 0), "c": _unit(1, -0.3, 0)}
    assert central_title(_story(vectors), TITLES, _Index(vectors)) == TITLES["b"]


def test_untitled_and_boilerplate_members_never_give_the_title() -> None:
    vectors = {"a": _unit(1, 0.6, 0), "b": _unit(1, 0, 0), "c": _unit(1, -0.2, 0)}
    titles = {"a": TITLES["a"], "b": "", "c": "Subscribe to our newsletter"}
    assert central_title(_story(vectors), titles, _Index(vectors)) == TITLES["a"]
    assert central_title(_story(vectors), {"b": "", "c": ""}, _Index(vectors)) == ""


def test_the_title_stays_unless_a_much_more_central_article_arrives() -> None:
    vectors = {"a": _unit(1, 0.25, 0), "b": _unit(1, 0.2, 0)}  # b a little more central than a
    story = _story(vectors)
    assert central_title(story, TITLES, _Index(vectors), previous=TITLES["a"]) == TITLES["a"]
    far = {"a": _unit(0.2, 1, 0), "b": _unit(1, 0, 0), "c": _unit(1, 0.05, 0), "d": _unit(1, -0.05, 0)}
    titles = dict(TITLES, d="Crane ready by spring, board says")
    story = _story(far)
    scores = {m: float(far[m] @ story.dense) / 4 for m in far}
    assert scores["b"] - scores["a"] > TITLE_SWITCH_MARGIN
    best = max(scores, key=scores.__getitem__)
    assert central_title(story, titles, _Index(far), previous=TITLES["a"]) == titles[best] != TITLES["a"]


def test_a_title_that_articles_of_other_stories_carry_is_boilerplate() -> None:
    one = StoryState("s1", np.zeros(3), {}, members=["a", "d"])
    two = StoryState("s2", np.zeros(3), {}, members=["x"])
    titles = dict(TITLES, x="Latest news from the harbour")  # a widget line shaped like a headline
    shared = repeated_titles([one, two], titles)
    assert shared == {"latest news from the harbour"}
    vectors = {"a": _unit(1, 0.5, 0), "d": _unit(1, 0, 0)}
    assert central_title(_story(vectors), titles, _Index(vectors), boilerplate=shared) == TITLES["a"]
