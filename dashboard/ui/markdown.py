"""User text made safe for Markdown (and so for st.markdown's HTML), and safe links."""

from __future__ import annotations

import re

from dashboard.domain.validation import check_url

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|<>~$])")


def md_escape(text: object) -> str:
    """User text made inert for Markdown (and so for st.markdown's HTML too)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or "")).replace("\n", "  \n")


def safe_link(url: str) -> str | None:
    """The URL as a Markdown link target when import would accept it as is, else None.

    One rule for import and display (``domain.validation.check_url``): an address the
    importer refuses is never linked, and one it stores is always linked.
    """
    url = (url or "").strip()
    problem, stored = check_url(url)
    if problem or stored != url:  # a bare domain is stored with https://, not linked bare
        return None
    return url.replace("(", "%28").replace(")", "%29")


def md_link(title: str, url: str) -> str:
    """A Markdown link for http(s) URLs; otherwise just the escaped title."""
    link = safe_link(url)
    label = md_escape(title or url)
    return f"[{label}]({link})" if link else label
