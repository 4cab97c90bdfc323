"""The Python API; the CLI is a thin layer over these functions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .errors import InputError
from .model import Article, Brief, Problem, Relation


def _inputs(inputs: str | Iterable[str]) -> list[str]:
    return [inputs] if isinstance(inputs, str) else list(inputs)


def no_articles(inputs: str | Iterable[str] | None, problems: list[Problem]) -> InputError:
    """The error for a run in which no article at all could be read."""
    why = "; ".join(str(p) for p in problems[:3]) or "no input given"
    return InputError(f"no article could be read ({why})", source=", ".join(_inputs(inputs or [])) or None)


def analyze(inputs: str | Iterable[str] | None = None, *, articles: list[Article] | None = None,
            **settings: Any) -> Brief:
    """Analyse the inputs (files, directories, URLs, JSONL) or given Articles as one story.

    Inputs that cannot be read are listed in ``Brief.skipped``; InputError is raised only when no
    article at all could be read.
    """
    from .analyze import analyze_articles
    from .config import load_settings

    cfg = load_settings(**settings)
    arts, problems, label = list(articles or []), [], None
    if inputs is not None:
        groups, problems = read_stories(inputs, **settings)
        for group in groups.values():
            arts.extend(group)
        labels = [key for key in groups if key is not None]
        # one story label shared by every article read becomes the story id
        if len(groups) == 1 and labels and not articles:
            label = labels[0]
    if not arts:
        raise no_articles(inputs, problems)
    brief = analyze_articles(arts, embedder=analysis_embedder(cfg.embedder), summary_words=cfg.summary_words,
                             story=label, pair_scorer=_scorer_for(cfg), method=cfg.alignment)
    brief.skipped = problems
    return brief


def group_stories(records: Iterable[tuple[Article, dict[str, Any]]]) -> dict[str | None, list[Article]]:
    """Articles grouped by their ``story`` field, stories in order of first appearance.

    Articles without a ``story`` field form one group under the key None.
    """
    groups: dict[str | None, list[Article]] = {}
    for article, extra in records:
        label = extra.get("story")
        key = str(label) if label not in (None, "") else None
        groups.setdefault(key, []).append(article)
    return groups


def read_articles(inputs: str | Iterable[str], *, strict: bool = False, **settings: Any,
                  ) -> tuple[list[Article], list[Problem]]:
    """Read the inputs into Articles with unique ids (as ``cluster`` reads them) and the problems met;
    ``strict`` skips an article cut at a limit instead of keeping it cut."""
    from .config import load_settings
    from .ingest import read_records

    records, problems = read_records(_inputs(inputs), timeout=load_settings(**settings).timeout, strict=strict)
    return [article for article, _ in records], problems


def read_stories(inputs: str | Iterable[str], *, strict: bool = False, **settings: Any,
                 ) -> tuple[dict[str | None, list[Article]], list[Problem]]:
    """Read the inputs and group the articles by their JSONL ``story`` field (see group_stories);
    ``strict`` skips an article cut at a limit instead of keeping it cut."""
    from .config import load_settings
    from .ingest import read_records

    records, problems = read_records(_inputs(inputs), timeout=load_settings(**settings).timeout, strict=strict)
    return _without_repeated(group_stories(records), problems)


def _without_repeated(groups: dict[str | None, list[Article]], problems: list[Problem],
                      ) -> tuple[dict[str | None, list[Article]], list[Problem]]:
    """The groups cleaned by repetition across every article read (clean.without_repeated); an article
    that was nothing but repeated lines is skipped with a Problem."""
    from .clean import REPEATED_ONLY, without_repeated

    keys = [key for key, group in groups.items() for _ in group]
    read = [a for group in groups.values() for a in group]
    out: dict[str | None, list[Article]] = {}
    for key, a, before in zip(keys, without_repeated(read), read):
        if a.text.strip() or before.headline_only:  # a headline-only article had no text to lose
            out.setdefault(key, []).append(a)
        else:
            problems = [*problems, Problem(a.source or a.id, REPEATED_ONLY)]
    return out, problems


def analyze_stories(stories: dict[str | None, list[Article]], **settings: Any) -> Iterator[Brief]:
    """Analyse each group of articles as its own story, models loaded once, in the given order.

    A group's key becomes its ``story.id``; the None group (articles with no story label) gets the
    id derived from its article ids. Briefs are yielded as each story finishes, so a caller can
    write them out while the rest are analysed.
    """
    from .analyze import analyze_articles
    from .config import load_settings

    cfg = load_settings(**settings)
    embedder, scorer = analysis_embedder(cfg.embedder), _scorer_for(cfg)
    for label, articles in stories.items():
        if articles:
            yield analyze_articles(articles, embedder=embedder, summary_words=cfg.summary_words, story=label,
                                   pair_scorer=scorer, method=cfg.alignment)


def extract(source: str, **settings: Any) -> Article:
    """Read one file or URL into a cleaned Article."""
    from .config import load_settings
    from .ingest import extract as _extract

    return _extract(source, timeout=load_settings(**settings).timeout)


def relate(a: str, b: str, **settings: Any) -> Relation:
    """How sentence ``b`` stands to sentence ``a``: agree, contradict, related or unrelated."""
    from .analyze.relate import relate as _relate
    from .config import load_settings

    cfg = load_settings(**settings)
    return _relate(a, b, analysis_embedder(cfg.embedder), pair_scorer(cfg.pair_model))


# the values of the ``alignment`` setting (analyze.analyze_articles says what each does)
ALIGNMENTS = ("verified", "clauses", "pairs")


def _scorer_for(cfg: Any) -> Any:
    """The pair model when the alignment uses it (None otherwise: nothing is loaded)."""
    from .errors import ConfigError

    if cfg.alignment not in ALIGNMENTS:
        raise ConfigError(f"alignment must be one of {', '.join(ALIGNMENTS)}, got {cfg.alignment!r}", source="alignment")
    return pair_scorer(cfg.pair_model) if cfg.alignment != "clauses" else None


def pair_scorer(spec: str) -> Any:
    """The sentence-pair model named by the ``pair_model`` setting ("" is the shipped one)."""
    from .pairs import get_pair_scorer

    return get_pair_scorer(spec)


def analysis_embedder(spec: str) -> Any:
    """The embedder for analysis: any but the multilingual one, whose scale the analysis thresholds
    (tuned on MiniLM) do not fit; it serves clustering (``ingest``, ``cluster``) only."""
    from .embed import get_embedder
    from .errors import ConfigError

    if spec == "multilingual":
        raise ConfigError("the multilingual embedder is for clustering (ingest, cluster); analysis uses "
                          "MiniLM or a local model folder", source="embedder")
    return get_embedder(spec)
