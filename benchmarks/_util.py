"""Helpers shared by the benchmark scripts: paths, progress lines, Markdown tables, output files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def repo_path(relative: str) -> Path:
    """A default data or output path, resolved against the repository root (never the cwd)."""
    return (ROOT / relative).resolve()


def progress(message: str) -> None:
    """One progress line on stderr (stdout carries only the results)."""
    print(message, file=sys.stderr, flush=True)


def fail(message: str) -> None:
    """Print ``Error: message`` on stderr and exit with status 1."""
    print(f"Error: {message}", file=sys.stderr)
    raise SystemExit(1)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub Markdown table; floats are printed as given (format them before)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as UTF-8 JSON (indented, keys in insertion order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_results(out: Path, text: str) -> None:
    """Write the results table to ``out``/results.md and print it."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)


def snapshot(ref: str, out: Path) -> tuple[Path, str]:
    """``git archive REF src`` extracted under ``out`` (reused when present): its src folder and the
    commit's short hash. Benchmarks time committed code this way while others edit the tree."""
    try:
        sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"], check=True,
                             capture_output=True, text=True).stdout.strip()
        dest = out / f"code-{sha[:12]}"
        if not (dest / "src" / "storylens").is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", sha, "src"], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        fail(f"could not snapshot src/ at {ref} ({exc})")
    return dest / "src", sha[:12]
