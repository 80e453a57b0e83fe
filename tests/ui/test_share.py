"""The share button's view from the browser: checked before it reaches the URL."""

from __future__ import annotations

import pytest

from dashboard.ui.share import clean_view


def test_a_sane_view_is_kept_rounded_as_the_link_writes_it():
    assert clean_view([51.303571234, 3.509312, 11.5]) == ((51.30357, 3.50931), 11.5)
    assert clean_view(("52.1", "5.3", "7")) == ((52.1, 5.3), 7.0)


@pytest.mark.parametrize("value", [
    None, "51,3,8", [51.3, 3.5], [51.3, 3.5, 8, 1], [91, 3.5, 8], [51.3, 181, 8],
    [51.3, 3.5, 2], [51.3, 3.5, 30], [float("nan"), 3.5, 8], ["x", 3.5, 8],
])
def test_anything_else_is_refused(value):
    assert clean_view(value) is None
