"""The engine interface, the reports of a batch run and of an import, and the engines by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import ConfigError
from ..model import Problem

# The batch output's schema: a reader refuses another (tables.py writes it into manifest.json).
SCHEMA = "storylens.batch/1"
ENGINES = ("local", "spark")


@dataclass
class BatchReport:
    """What one batch run did (the counts are those of ``corpus.IngestReport``)."""

    engine: str
    out: str
    read: int = 0
    kept: int = 0
    duplicates: int = 0
    already: int = 0
    failed: int = 0
    stories: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows written

    def to_dict(self) -> dict[str, Any]:
        d = self.__dict__.copy()
        d["problems"] = [p.to_dict() for p in self.problems]
        return d

    def summary(self) -> str:
        """The closing line of ``storylens batch``."""
        return (f"batch ({self.engine}): read {self.read:,}, kept {self.kept:,}, copies {self.duplicates:,}, "
                f"already {self.already:,}, failed {self.failed:,}; {self.stories:,} stories; "
                f"{len(self.tables)} tables in {self.out} in {self.seconds:.1f} s")


@dataclass
class ImportReport:
    """What one import loaded."""

    out: str
    db: str
    tables: dict[str, int] = field(default_factory=dict)  # store table -> rows inserted
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()

    def summary(self) -> str:
        return (f"imported {self.tables.get('articles', 0):,} articles and {self.tables.get('stories', 0):,} "
                f"stories from {self.out} into {self.db} in {self.seconds:.1f} s")


class Engine(Protocol):
    """Runs the batch stages over sources and writes the batch tables (tables.py) under ``out``."""

    name: str

    def run(self, sources: list[str], out: str) -> BatchReport: ...


def get_engine(name: str, **options: Any) -> Engine:
    """The engine called ``name`` ("local" or "spark"), built with its options (embedder, level, batch,
    timeout; Spark also master, spec (the embedder's setting, for the workers), partitions)."""
    if name == "local":
        from .local import LocalEngine

        return LocalEngine(**options)
    if name == "spark":
        from .spark import SparkEngine

        return SparkEngine(**options)
    raise ConfigError(f"unknown engine '{name}' (known: {', '.join(ENGINES)})")
