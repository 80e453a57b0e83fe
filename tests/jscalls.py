"""Read back what the folium templates pass to ``dashboard/static``: ``kk.<name>(target, {json})``.

The tests check the data the browser code gets, parsed, rather than grepping script text.
"""

from __future__ import annotations

import json
import re

CALL = re.compile(
    r"^[ \t]*(?:var [\w$]+ = )?kk\.(?P<name>\w+)\((?P<target>[\w$]+)(?:, (?P<data>.*))?\);[ \t]*$",
    re.M)


def kk_calls(html: str, name: str) -> list[dict | None]:
    """The parsed data of every ``kk.<name>(...)`` call in ``html``, in order."""
    return [json.loads(m["data"]) if m["data"] else None
            for m in CALL.finditer(html) if m["name"] == name]


def kk_call(html: str, name: str) -> dict | None:
    """The data of the one ``kk.<name>(...)`` call in ``html``."""
    (data,) = kk_calls(html, name)
    return data
