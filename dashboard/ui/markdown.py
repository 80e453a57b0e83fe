"""User text made safe for Markdown (and so for st.markdown's HTML), and safe links."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|<>~$])")


def md_escape(text: object) -> str:
    """User text made inert for Markdown (and so for st.markdown's HTML too)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or "")).replace("\n", "  \n")


def safe_link(url: str) -> str | None:
    """The URL when it is http(s) and usable in a Markdown link, else None."""
    url = (url or "").strip()
    if not re.match(r"^https?://[^\s<>\"']+$", url, flags=re.IGNORECASE):
        return None
    return url.replace("(", "%28").replace(")", "%29")


def md_link(title: str, url: str) -> str:
    """A Markdown link for http(s) URLs; otherwise just the escaped title."""
    link = safe_link(url)
    label = md_escape(title or url)
    return f"[{label}]({link})" if link else label
