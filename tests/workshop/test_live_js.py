"""The browser's live-update poller (``static/kk-live.mjs``), run in Node.js with a fake
clock, fetch and document (``kk_live.test.mjs``): it polls on an interval, asks for a
rerun only on a new version, backs off while the route is unreachable and rests while
the tab is hidden. Copies with one of those behaviours broken must fail the same checks.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.test_static_js import STATIC, _node

HARNESS = Path(__file__).with_name("kk_live.test.mjs")
MODULE = STATIC / "kk-live.mjs"


def run_harness(module: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"KK_LIVE_MODULE": str(module)} if module else {})}
    return subprocess.run([_node(), str(HARNESS)], capture_output=True, text=True, timeout=60,
                          env=env, check=False)


def test_poller_behaves():
    result = run_harness()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok ") >= 10


# (what is broken, the text replaced, its replacement)
MUTATIONS = [
    ("polls while hidden", "return this.env.document.visibilityState === 'hidden';",
     "return false;"),
    ("no backoff", "interval * Math.pow(2, failures)", "interval"),
    ("reruns on every poll", "if (version === shown) { this.lower = null; return; }", ""),
    ("each rerun postpones the poll", "if (this.timer === null && !this.busy) {", "if (true) {"),
    ("no spread", "if (spread <= 0) {", "if (true) {"),
    ("asks although a rerun showed it",
     "this.env.clearTimeout(this.pending);\n      this.pending = null;\n      this.asked = null;",
     ""),
    ("a cancelled ask is never asked again", "      this.asked = null;\n", ""),
]


@pytest.mark.parametrize(("broken", "old", "new"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_a_broken_poller_fails_the_checks(tmp_path, broken, old, new):
    text = MODULE.read_text(encoding="utf-8")
    assert old in text, f"mutation for {broken!r} no longer applies"
    copy = tmp_path / "kk-live.mjs"
    copy.write_text(text.replace(old, new), encoding="utf-8")
    result = run_harness(copy)
    assert result.returncode != 0 and "AssertionError" in result.stderr, broken
