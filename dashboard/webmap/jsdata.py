"""Python values as JSON that is safe inside a ``<script>`` block."""

from __future__ import annotations

import json


def js_json(value: object) -> str:
    """JSON safe to embed in a <script> block: no '</script>' or '<!--' can break out."""
    return _script_safe(_compact_json(value))


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _script_safe(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

