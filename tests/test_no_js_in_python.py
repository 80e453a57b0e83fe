"""Browser code lives in ``dashboard/static``, not in Python strings.

Every string literal in ``dashboard/`` (f-string parts and jinja templates
included, docstrings excepted) is checked line by line for script bodies and
CSS rule blocks. A template may keep a one-line call into a static file, but
only the lines listed in ALLOWED; anything else fails, so code cannot creep
back into Python where no linter, editor or devtools see it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"

# What gives a line of JavaScript away.
JS_MARKERS = {
    "function": re.compile(r"\bfunction\b\s*[\w$]*\s*\("),
    "arrow function": re.compile(r"=>"),
    "addEventListener": re.compile(r"addEventListener"),
    "querySelector": re.compile(r"querySelector"),
    "document.": re.compile(r"\bdocument\.[A-Za-z_$]"),
    "window.": re.compile(r"\bwindow\.[A-Za-z_$]"),
    "Leaflet call": re.compile(r"\bL\.[A-Za-z_$]+\s*[.(]"),
    "declaration": re.compile(r"^\s*(?:var|let|const)\s+\S"),
    "call statement": re.compile(r"^\s*[\w$.]+\s*\(.*\)\s*;\s*$"),
    "assignment statement": re.compile(r"^\s*[\w$.\[\]'\"]+\s*=\s*[^=].*;\s*$"),
    "export default": re.compile(r"\bexport\s+default\b"),
}
JINJA_TAG = re.compile(r"\{%.*?%\}")  # {% macro %} and the like: not code, but may share a line
# A CSS rule: a selector, then braces holding `property: value`.
CSS_RULE = re.compile(r"[\w\])*>.#:-]\s*\{\s*-?[a-z][a-z-]*\s*:\s*[^{}]*\}", re.S)

# (file under dashboard/, the exact stripped line): one-line calls into static files.
ALLOWED: set[tuple[str, str]] = {
    ("webmap/markers.py",
     "kk.markers({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("webmap/focus.py",
     "kk.focus({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("webmap/basemap.py",
     "kk.outlineLayer({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("webmap/basemap.py",
     "var {{ this.get_name() }} = kk.municipalityLayer({{ this._parent.get_name() }}, "
     "{{ this.options|tojson }});"),
    ("webmap/basemap.py",
     "kk.regionLabels({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("webmap/viewport.py",
     "kk.fitOnLoad({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("webmap/viewport.py", "kk.metricScale({{ this._parent.get_name() }});"),
    ("webmap/clicks.py", "kk.clickWhereDown({{ this._parent.get_name() }});"),
    ("webmap/skiplink.py",
     "kk.skipLink({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("webmap/pending.py",
     "kk.pendingPin({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("webmap/legend.py",
     "kk.legend({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("webmap/legend.py",
     "kk.attribution({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
    ("export/html.py",
     "kk.exportHeader({{ this._parent.get_name() }}, {{ this.options|tojson }});"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes: prose, not code."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                found.add(id(body[0].value))
    return found


def string_literals(source: str) -> list[tuple[int, str]]:
    """(line number, text) of every string constant, f-string parts included."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skip]


def problems(rel: str, source: str) -> list[str]:
    """What in ``source`` looks like a script body or a CSS rule, as readable lines."""
    out = []
    for lineno, text in string_literals(source):
        for line in text.splitlines() or [text]:
            stripped = JINJA_TAG.sub("", line).strip()
            hits = [name for name, pattern in JS_MARKERS.items() if pattern.search(stripped)]
            if hits and (rel, stripped) not in ALLOWED:
                out.append(f"{rel}:{lineno}: {', '.join(hits)}: {stripped[:90]}")
        for match in CSS_RULE.finditer(text):
            snippet = " ".join(match.group(0).split())
            out.append(f"{rel}:{lineno}: CSS rule: {snippet[:90]}")
    return out


def _python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_script_bodies_or_css_rules_in_python_strings():
    found = []
    for path in _python_files():
        rel = path.relative_to(PACKAGE).as_posix()
        found += problems(rel, path.read_text(encoding="utf-8"))
    assert found == [], "move these to dashboard/static:\n" + "\n".join(found)


def test_every_allowed_line_is_still_used():
    """A stale allowlist entry would let a future line through unnoticed."""
    used = set()
    for path in _python_files():
        rel = path.relative_to(PACKAGE).as_posix()
        for _, text in string_literals(path.read_text(encoding="utf-8")):
            used |= {(rel, JINJA_TAG.sub("", line).strip()) for line in text.splitlines()}
    assert ALLOWED - used == set()


@pytest.mark.parametrize("snippet", [
    'X = """\n(function() {\n    var map = m;\n})();\n"""',
    "X = \"const f = (e) => e.key;\"",
    "X = f\"<script>window.parent.document.cookie = {name!r};</script>\"",
    'X = """\nL.control.scale({imperial: false}).addTo(map);\n"""',
    "X = \"el.addEventListener('keydown', go)\"",
    'X = """\n<style>\n.kk-legend{background:#fff;padding:6px}\n</style>\n"""',
    "X = '.kk-view-button:hover { color: #ff4b4b; }'",
    'X = Template("""{% macro script(this, kwargs) %}map.setView(c, 7);{% endmacro %}""")',
])
def test_the_checks_catch_code_and_styles(snippet):
    assert problems("webmap/markers.py", snippet)


@pytest.mark.parametrize("snippet", [
    '"""The map: window.kkLayer(url) is called by document.querySelector."""',
    'X = "Bron: CBS/Kadaster (CC BY 4.0); initiatieven: {date}"',
    "X = f'<span class=\"sw\" style=\"background:{rgba};border:{border}\"></span>'",
    'X = "{n} initiatieven; klik om in te zoomen"',
    'X = """\n{% macro script(this, kwargs) %}\n'
    'kk.markers({{ this._parent.get_name() }}, {{ this.options|tojson }});\n'
    '{% endmacro %}\n"""',
])
def test_the_checks_let_prose_data_and_allowed_calls_pass(snippet):
    assert problems("webmap/markers.py", snippet) == []
