"""Templates for our folium elements: one call into ``dashboard/static`` with JSON data.

``|tojson`` is jinja2's ``htmlsafe_json_dumps``: ``<``, ``>``, ``&`` and ``'``
become ``\\u003c``-style escapes, so no user text can close the ``<script>``
block it lands in. This environment keeps that JSON compact and UTF-8; jinja's
default adds spaces and ``\\u`` escapes: a tenth more bytes for the embedded shapes.
"""

from __future__ import annotations

import jinja2
from jinja2.utils import htmlsafe_json_dumps

_ENV = jinja2.Environment(autoescape=False)
_ENV.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":")}


def template(source: str) -> jinja2.Template:
    """A template whose ``|tojson`` writes compact, script-safe JSON."""
    return _ENV.from_string(source)


def script_json(value: object) -> str:
    """``value`` as compact JSON safe inside ``<script>`` (also a JSON island)."""
    return str(htmlsafe_json_dumps(value, **_ENV.policies["json.dumps_kwargs"]))
