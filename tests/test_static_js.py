"""Our browser code parses: ``node --check`` on every script in ``dashboard/static``.

Vendored libraries are left out (minified upstream releases). ``.mjs`` files are
ES modules (the components v2 button) and are checked as such. Without Node.js
the test skips locally but fails in CI (``CI=true``), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "dashboard" / "static"
SCRIPTS = sorted(p for p in [*STATIC.rglob("*.js"), *STATIC.rglob("*.mjs")]
                 if "vendor" not in p.relative_to(STATIC).parts)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("node is not installed; .ci/run should have installed nodejs")
        pytest.skip("Node.js is not installed (apt-get install nodejs): JS syntax not checked")
    return node


def test_there_are_scripts_to_check():
    names = {p.name for p in SCRIPTS}
    assert {"kk-map.js", "kk-markers.js", "kk-prefetch.js", "kk-keys.js", "kk-cookie.js",
            "kk-view.mjs", "kk-live.mjs"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.relative_to(STATIC).as_posix())
def test_script_parses(script: Path):
    result = subprocess.run([_node(), "--check", str(script)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_the_check_catches_a_syntax_error(tmp_path):
    broken = tmp_path / "broken.js"
    broken.write_text("(function () { var x = ; })();\n", encoding="utf-8")
    result = subprocess.run([_node(), "--check", str(broken)], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode != 0 and "SyntaxError" in result.stderr
