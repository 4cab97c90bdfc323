"""Settings: defaults < config file < environment (STORYLENS_*) < CLI flags < keyword arguments.

The config file is ``storylens.toml`` in the working directory, else ``$XDG_CONFIG_HOME/storylens/
config.toml`` (``~/.config/...``); keys sit at top level or under ``[storylens]``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import tomllib

from .errors import ConfigError

# Articles per ingest transaction (``storylens ingest --batch``): large enough that embedding batches
# stay full and commits are rare (a commit with WAL costs ~1 ms), small enough that an interrupt loses
# under a few seconds of work.
BATCH = 256


@dataclass(frozen=True)
class Settings:
    """Every tunable a user may set."""

    summary_words: int = 120  # the default brief length (about 120 words)
    embedder: str = "minilm"  # "minilm", "multilingual" (clustering only) or a sentence-transformers folder with model.onnx
    # the sentence-pair model: "" for the shipped one, else an ONNX file or NLI model folder (pairs.py)
    pair_model: str = ""
    # who decides consensus claims: "verified" (embedding groups of clause units, each member
    # confirmed by the pair model), "clauses" (the embedding groups alone, no pair model) or
    # "pairs" (whole sentences judged by the pair model; experimental). benchmarks/RESULTS.md section 8
    alignment: str = "verified"
    timeout: float = 20.0  # seconds per URL fetch
    db: str = "storylens.db"
    # What one input may ask of extraction and analysis; past a limit it is cut, with a warning
    # (ingest/limits.py). Characters of an article's text: above 100,000 words of English (~600,000
    # characters), the longest real report the limit must keep, and 11x the longest article of our
    # corpora (58,069 characters, WikiRef220; Multi-News at most 47,844). An 812,000-character
    # paragraph took 2 min 24 s and 2.96 GB to analyse; a 10 MB text file would take ~12 times that.
    max_article_chars: int = 650_000
    # Characters of HTML parsed per input: twice the largest of the 181 pages of the article
    # extraction benchmark (1,491,126 characters). Cut at a tag boundary.
    max_html_chars: int = 3_000_000
    # Tags parsed per input: ~9x the most on any benchmark page (3,229). trafilatura's work is per
    # element (111k elements took 9-16 s), so this bounds it to a few seconds.
    max_html_tags: int = 30_000
    # Attributes kept in one tag: 3.5x the most in any benchmark tag (142); lxml's duplicate check is
    # quadratic in them (1 MB of attributes in one tag took 184 s). A tag with more keeps its name.
    max_tag_attributes: int = 500
    # Wall-clock seconds one input's HTML extraction may take (0: no limit); past it the input is
    # skipped with one line naming it and the limit. Within the HTML limits above the slowest input
    # measured took 1.6 s (the 8 MB lines bomb, RESULTS issue 18 second pass) and the 181 benchmark
    # pages well under a second each; 30 s is ~20x that, room for a loaded machine, and half the
    # 60 s after which bench_hostile.py counts an input as a hang.
    max_extract_seconds: float = 30.0


def _config_files() -> list[Path]:
    home = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return [Path("storylens.toml"), home / "storylens" / "config.toml"]


def _coerce(name: str, value: Any, source: str) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be {kind}, got {value!r}", source=source) from None


def _from_file() -> dict[str, Any]:
    for path in _config_files():
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read config: {exc}", source=str(path)) from None
            data = data.get("storylens", data)
            names = {f.name for f in fields(Settings)}
            return {k: _coerce(k, v, str(path)) for k, v in data.items() if k in names}
    return {}


def _from_env() -> dict[str, Any]:
    out = {}
    for f in fields(Settings):
        value = os.environ.get(f"STORYLENS_{f.name.upper()}")
        if value is not None:
            out[f.name] = _coerce(f.name, value, f"STORYLENS_{f.name.upper()}")
    return out


def load_settings(**overrides: Any) -> Settings:
    """Settings from every layer; ``overrides`` (CLI flags, keyword arguments) win. None is ignored."""
    settings = replace(Settings(), **_from_file())
    settings = replace(settings, **_from_env())
    given = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(given) - {f.name for f in fields(Settings)}
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    return replace(settings, **given)
