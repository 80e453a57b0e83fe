"""Text keys shared by every layer: compare-friendly folding and URL-safe slugs.

A leaf module (standard library only) so that the geodata build, the domain
and the query layer agree on one slug for a region or an initiative.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache, lru_cache

_SEPARATORS = re.compile(r"[\s_/\-]+")


@cache
def _no_combining() -> dict[int, None]:
    """``str.translate`` table that drops every combining character (built once, ~0.3 s)."""
    return {c: None for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c))}


@lru_cache(maxsize=256)  # an import asks for a name's slug and then its folded key
def _strip_accents(text: str) -> str:
    """NFKD without the combining characters: what ``fold`` and ``slugify`` compare."""
    return unicodedata.normalize("NFKD", text).translate(_no_combining())


def fold(text: str) -> str:
    """Compare-friendly form: lower case, no accents, runs of space/_/-/slash as one hyphen."""
    text = str(text)
    if text.isascii():  # nothing to decompose (the common case, and 5x faster)
        plain = text.casefold().replace("'", "")
    else:
        plain = _strip_accents(text).casefold().replace("'", "").replace("’", "")
    return _SEPARATORS.sub("-", plain).strip("-")



_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """``'KLUShuizen in Krimp'`` -> ``'klushuizen-in-krimp'``; cut on a hyphen."""
    text = str(text)
    plain = text.lower() if text.isascii() else _strip_accents(text).lower()
    slug = _NOT_SLUG.sub("-", plain).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-")
