"""storylens: read one news story across all the outlets that tell it.

>>> import storylens
>>> brief = storylens.analyze("examples/russia-day/")   # doctest: +SKIP
>>> brief.to_dict()["schema"]                            # doctest: +SKIP
'storylens.brief/1'
"""

from __future__ import annotations


def _package_version() -> str:
    """The installed distribution's version (pyproject.toml is its one source)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storylens")
    except PackageNotFoundError:  # a source tree on sys.path that was never installed
        return "0+unknown"


# before any import of the package's modules: some read it back (the web app, the URL reader's User-Agent)
__version__ = _package_version()


# The analysis subpackage shares its name with the API function; importing it first means a later
# import of one of its modules cannot rebind ``storylens.analyze`` to the package.
from . import analyze as _analysis_package  # noqa: F401
from . import cluster as _cluster_module  # noqa: F401  (same reason: ``storylens.cluster`` is the API)
from .api import analyze, extract, relate
from .corpus import cluster, ingest, show
from .errors import StorylensError
from .model import Article, Brief, Claim, Contradiction, Relation

__all__ = [
           "Article",
           "Brief",
           "Claim",
           "Contradiction",
           "Relation",
           "StorylensError",
           "__version__",
           "analyze",
           "cluster",
           "extract",
           "ingest",
           "relate",
           "show",
]
