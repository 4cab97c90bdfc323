"""storylens: read one news story across all the outlets that tell it.

>>> import storylens
>>> brief = storylens.analyze("examples/russia-day/")   # doctest: +SKIP
>>> brief.to_dict()["schema"]                            # doctest: +SKIP
'storylens.brief/1'
"""

from __future__ import annotations

from .api import analyze, extract, relate
from .errors import StorylensError
from .model import Article, Brief, Claim, Contradiction, Relation

__version__ = "0.1.0"
__all__ = ["analyze", "extract", "relate", "Article", "Brief", "Claim", "Contradiction", "Relation",
           "StorylensError", "__version__"]
