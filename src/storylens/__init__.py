"""storylens: read one news story across all the outlets that tell it.

>>> import storylens
>>> brief = storylens.analyze("examples/russia-day/")   # doctest: +SKIP
>>> brief.to_dict()["schema"]                            # doctest: +SKIP
'storylens.brief/1'

The API's names are imported on first use, so ``import storylens`` (and ``storylens --help``) does
not load numpy, spaCy or the models.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any


def _package_version() -> str:
    """The installed distribution's version (pyproject.toml is its one source)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storylens")
    except PackageNotFoundError:  # a source tree on sys.path that was never installed
        return "0+unknown"


# public name -> the module that defines it
_API = {
    "analyze": "api", "extract": "api", "relate": "api",
    "cluster": "corpus", "ingest": "corpus", "show": "corpus", "stories": "corpus",
    "StorylensError": "errors",
    "Article": "model", "Brief": "model", "Claim": "model", "Contradiction": "model", "Relation": "model",
}
# API functions named like a module of the package (storylens/analyze/, cluster.py, ingest/)
_SHADOWED = frozenset({"analyze", "cluster", "ingest"})

__all__ = ["Article", "Brief", "Claim", "Contradiction", "Relation", "StorylensError", "__version__", "analyze",
           "cluster", "extract", "ingest", "relate", "show", "stories"]

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from .api import analyze, extract, relate
    from .corpus import cluster, ingest, show, stories
    from .errors import StorylensError
    from .model import Article, Brief, Claim, Contradiction, Relation


def __getattr__(name: str) -> Any:
    if name == "__version__":  # looked up on first use too: importlib.metadata costs ~50 ms at start
        globals()[name] = version = _package_version()
        return version
    if name not in _API:
        raise AttributeError(f"module 'storylens' has no attribute {name!r}")
    value = getattr(import_module(f".{_API[name]}", __name__), name)
    globals()[name] = value  # the next look-up finds it without calling here
    return value


class _Package(types.ModuleType):
    """The package's module object. Importing a module (``storylens.analyze``) makes Python bind it
    as an attribute of its package, which would hide the API function of that name; here the
    attribute stays the function (the module is in ``sys.modules`` and imports it as ever)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
