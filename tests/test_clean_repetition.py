"""Cleaning (issue 15): datelines and AP file-photo captions trimmed, short real sentences kept, and
lines repeated across unrelated articles removed as boilerplate. Every example is invented."""

from __future__ import annotations

import json
from pathlib import Path

from storylens.api import read_stories
from storylens.clean import REPEATED_ONLY, REPEATED_REASON, clean_text, drop_repeated, repeated_lines
from storylens.model import Article

WIDGET = "When you post with a location, the site keeps that location for you to see later."
NOTICE = ("This page was saved by a volunteer archive project that keeps copies of news pages as they were "
          "published, so that links from other pages keep working after the originals change.")

HARBOUR = ("The harbour board met on Tuesday evening to approve the purchase of a new container crane for the "
           "eastern quay, after months of debate about its cost and the noise it would bring to the old town. "
           "Members said the crane would be delivered in the spring and would double the number of ships the "
           "port can unload in a week, while the mayor promised residents a limit on night work.")
ORCHESTRA = ("The city orchestra opened its winter season with a new symphony by a young composer from the "
             "northern provinces, and the audience stood for several minutes at the end of the last movement. "
             "Critics praised the brass section and the conductor, who had rehearsed the piece for six weeks "
             "and said the score was the hardest he had ever led.")
SCHOOL = ("Teachers at the primary school on the hill voted to accept the new timetable, which moves the start "
          "of lessons half an hour later from next term. Parents had asked for the change for years, saying the "
          "early start left children tired, and the head teacher said the extra time would go to reading.")
WIRE = ("Rescue teams worked through the night to free two miners trapped by a rock fall in the northern "
        "valley, the regional fire service said on Sunday morning.")


def test_datelines_are_trimmed_and_kept_as_removed() -> None:
    cleaned = clean_text("Crane approved for the eastern quay\n\nPORTVILLE, Westland (Wire) — " + HARBOUR)
    assert cleaned.text.startswith("The harbour board met")
    assert {"line": "PORTVILLE, Westland (Wire) —", "reason": "dateline"} in cleaned.removed
    assert clean_text("Crane approved for the quay\n\nPORTVILLE--" + HARBOUR).text.startswith("The harbour")
    # a place of two letters and a dash is a headline's shape, not a dateline
    assert clean_text("Quay news today\n\nUS - China talks on shipping resumed on Monday in the capital.").text \
        .startswith("US - China talks")


def test_file_photo_captions_go() -> None:
    caption = "FILE - In this March 3, 2019, file photo, a crane stands on the eastern quay of the harbour."
    cleaned = clean_text(f"Crane approved for the quay\n\n{HARBOUR}\n\n{caption}\n\n{SCHOOL}")
    assert caption not in cleaned.text and {"line": caption, "reason": "photo caption"} in cleaned.removed


def test_a_short_sentence_between_paragraphs_is_kept() -> None:
    cleaned = clean_text(f"Harbour pilot dies at sea\n\n{HARBOUR}\n\nLarsen was 63.\n\n{SCHOOL}\n\nShare this.")
    assert "\n\nLarsen was 63.\n\n" in cleaned.text
    assert "Share this." not in cleaned.text


def _articles(*texts: str) -> list[Article]:
    return [Article(f"a{k}", t, source=f"a{k}.txt") for k, t in enumerate(texts)]


def test_a_line_unrelated_articles_share_is_boilerplate() -> None:
    arts = _articles(f"{HARBOUR}\n\n{WIDGET}", f"{ORCHESTRA}\n\n{WIDGET}", SCHOOL)
    kept, emptied = drop_repeated(arts)
    assert not emptied and all(WIDGET not in a.text for a in kept)
    assert kept[0].text == HARBOUR and kept[2] is arts[2]
    assert {"line": WIDGET, "reason": REPEATED_REASON} in kept[1].removed


def test_a_wire_paragraph_related_articles_share_stays() -> None:
    one = f"{WIRE}\n\n{HARBOUR}"
    other = f"{WIRE}\n\n{HARBOUR.replace('Tuesday evening', 'Tuesday night')}"
    assert repeated_lines({"a": one, "b": other}) == {}
    short = {"a": f"{WIRE}\n\nThe fire service said both were alive.", "b": f"{WIRE}\n\nOne was hurt."}
    assert repeated_lines(short) == {}  # two short articles that are mostly the wire text: related


def test_a_page_of_notices_only_is_skipped(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"n{k}", "title": "", "text": NOTICE}) for k in range(4)]
    lines += [json.dumps({"id": "h", "title": "Crane approved", "text": f"{HARBOUR}\n\n{NOTICE}"}),
              json.dumps({"id": "o", "title": "Orchestra opens season", "text": ORCHESTRA})]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    groups, problems = read_stories([str(path)])
    arts = [a for g in groups.values() for a in g]
    assert [a.id for a in arts] == ["h", "o"] and NOTICE not in arts[0].text
    assert [p.reason for p in problems] == [REPEATED_ONLY] * 4


def test_a_lead_in_before_its_paragraph_is_kept_but_short_tags_go() -> None:
    lead = "The mayor gave residents a short answer in a statement:"
    cleaned = clean_text(f"Crane approved for the quay\n\n{HARBOUR}\n\n{lead}\n\n{SCHOOL}\n\nRead more:\n\n{ORCHESTRA}")
    assert f"\n\n{lead}\n\n" in cleaned.text and "Read more:" not in cleaned.text


def test_copies_of_one_article_keep_their_lines() -> None:
    # a story five outlets print word for word (some with a line of their own) is one article, not
    # boilerplate: none of its lines goes, and no copy is left empty
    story = f"{HARBOUR}\n\n{ORCHESTRA}"
    arts = _articles(*[story] * 4, f"{story}\n\nReported by our own desk.", SCHOOL)
    kept, emptied = drop_repeated(arts)
    assert not emptied and [a.text for a in kept] == [a.text for a in arts]
    # the notices four unrelated pages print are still found beside them
    assert repeated_lines({**{f"n{k}": NOTICE for k in range(4)}, "h": f"{HARBOUR}\n\n{NOTICE}", "s": story})
