"""Streamlit's own words on our widgets: every empty multiselect or selectbox shows our
placeholder in the page's language, never Streamlit's "Choose options"/"Choose an option",
and no multiselect offers Streamlit's English-only "Select all"."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import config
from dashboard.i18n import t

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
UNLOCK = {"nl": ("Je naam", "Wachtwoord", "Ontgrendelen"),
          "en": ("Your name", "Facilitator passcode", "Unlock")}


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label.startswith(label))


def facilitator_page(lang: str) -> AppTest:
    """The page with every kind of select box on it: filters, quick add, story editor."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    name, code, button = UNLOCK[lang]
    by_label(at.sidebar.text_input, name).input("Fien")
    by_label(at.sidebar.text_input, code).input("geheim")
    by_label(at.sidebar.button, button).click().run()
    at.sidebar.button(key="add_open").click().run()
    at.radio(key="add_how").set_value("gemeente").run()
    at.sidebar.button(key="tour_edit_open").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_select_placeholders_are_ours_and_in_the_page_language(lang, monkeypatch):
    monkeypatch.setenv("KRIMPKAART_PASSCODE", "geheim")
    config.reload()
    at = facilitator_page(lang)
    ours = {t(key, lang) for key in ("filter_all", "choose_many", "choose", "year_any")}
    multiselects = list(at.multiselect)
    assert len(multiselects) >= 11  # nine filters, the new initiative's themes, story steps
    for widget in multiselects:
        assert widget.proto.placeholder in ours, widget.label
        assert widget.proto.select_all == 0, widget.label  # Streamlit's "Select all": hidden
    empty = [s for s in at.selectbox if s.value is None]
    assert {s.key for s in empty} >= {"f_van", "f_tot", "add_gm"}
    for widget in empty:
        assert widget.proto.placeholder in ours, widget.label
