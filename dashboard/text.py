"""Text keys shared by every layer: compare-friendly folding and URL-safe slugs.

A leaf module (standard library only) so that the geodata build, the domain
and the query layer agree on one slug for a region or an initiative.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s_/\-]+")


def fold(text: str) -> str:
    """Compare-friendly form: lower case, no accents, runs of space/_/-/slash as one hyphen."""
    text = str(text)
    if text.isascii():  # nothing to decompose (the common case, and 5x faster)
        plain = text.casefold().replace("'", "")
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
        plain = plain.casefold().replace("'", "").replace("’", "")
    return _SEPARATORS.sub("-", plain).strip("-")



_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """``'KLUShuizen in Krimp'`` -> ``'klushuizen-in-krimp'``; cut on a hyphen."""
    text = str(text)
    if text.isascii():  # nothing to decompose
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    slug = _NOT_SLUG.sub("-", plain).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug.strip("-")
