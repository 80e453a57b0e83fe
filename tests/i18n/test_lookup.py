"""``t``: placeholders, plurals by Babel's rules, nested messages, and strictness.

The suite runs strict (``tests/conftest.py``); the page in production only logs a
mistake and shows the key, so one missing string never takes the page down.
"""

from __future__ import annotations

import logging

import pytest

from dashboard import config, i18n
from dashboard.i18n import CatalogError, LocalizedError, Message, Num, catalog, msg, t


@pytest.fixture
def lenient():
    i18n.set_strict(False)
    yield
    i18n.set_strict(True)


def test_the_suite_runs_strict():
    assert i18n.is_strict()
    with pytest.raises(CatalogError, match="unknown key 'no_such_key'"):
        t("no_such_key", "nl")


def test_a_missing_placeholder_value_raises_in_strict_mode():
    with pytest.raises(CatalogError, match=r"missing value 'tour_step' .*total"):
        t("tour_step", "nl", n=1)


def test_a_plural_entry_without_a_count_raises_in_strict_mode():
    with pytest.raises(CatalogError, match="plural without count"):
        t("import_rejected", "en")
    with pytest.raises(CatalogError, match="plural without count"):
        t("import_rejected", "en", n="3")  # a formatted number cannot choose a form


def test_an_unknown_language_raises_in_strict_mode():
    with pytest.raises(CatalogError, match="unknown language"):
        t("app_title", "de")


def test_lenient_mode_logs_and_shows_the_key_or_the_unfilled_text(lenient, caplog):
    with caplog.at_level(logging.WARNING, logger="dashboard.i18n.catalog"):
        assert t("no_such_key_for_this_test", "nl") == "no_such_key_for_this_test"
        assert t("tour_step", "en", n=2) == "step 2 of {total}"
        assert t("import_rejected", "nl") == ("Niet geïmporteerd: {n} rijen met fouten. "
                                              "Er is niets gewijzigd.")
    logged = caplog.text
    assert "no_such_key_for_this_test" in logged and "tour_step" in logged
    assert "import_rejected" in logged


def test_strictness_follows_the_setting_unless_set(monkeypatch):
    i18n.set_strict(None)
    try:
        monkeypatch.setenv(config.ENV_STRICT_I18N, "1")
        config.reload()
        assert i18n.is_strict()
        monkeypatch.delenv(config.ENV_STRICT_I18N)
        config.reload()
        assert not i18n.is_strict()
    finally:
        i18n.set_strict(True)


@pytest.mark.parametrize(("lang", "n", "text"), [
    ("nl", 1, "Niet geïmporteerd: 1 rij met fouten. Er is niets gewijzigd."),
    ("nl", 3, "Niet geïmporteerd: 3 rijen met fouten. Er is niets gewijzigd."),
    ("nl", 0, "Niet geïmporteerd: 0 rijen met fouten. Er is niets gewijzigd."),
    ("nl", 1234, "Niet geïmporteerd: 1.234 rijen met fouten. Er is niets gewijzigd."),
    ("en", 1, "Not imported: 1 row with errors. Nothing was changed."),
    ("en", 2, "Not imported: 2 rows with errors. Nothing was changed."),
    ("en", 1234, "Not imported: 1,234 rows with errors. Nothing was changed."),
])
def test_plural_forms_by_babel_and_the_count_in_the_language_style(lang, n, text):
    assert t("import_rejected", lang, n=n) == text


def test_plural_forms_of_counts():
    assert [t("export_count", "nl", n=n) for n in (1, 12)] == ["1 initiatief", "12 initiatieven"]
    assert [t("export_count", "en", n=n) for n in (1, 12)] == ["1 initiative", "12 initiatives"]
    assert [t("count_rows", "nl", n=n) for n in (1, 3)] == ["1 rij", "3 rijen"]
    assert [t("count_rows", "en", n=n) for n in (1, 3)] == ["1 row", "3 rows"]
    assert catalog.plural_form(1, "nl") == "one" and catalog.plural_form(2, "nl") == "other"


def test_messages_nest_and_numbers_follow_the_language():
    point = msg("val_point", lat=Num(51.326), lon=Num(3.488))
    assert point.text("nl") == "breedtegraad 51,326 / lengtegraad 3,488"
    assert point.text("en") == "latitude 51.326 / longitude 3.488"
    outer = Message("val_outside_nl", {"point": point})
    assert outer.text("nl").startswith("Het punt breedtegraad 51,326 / lengtegraad 3,488 ligt")
    assert str(outer) == outer.text("en")  # logs get English
    assert Num(1500.25, 2).text("nl") == "1500,25"  # typed values: no thousands grouping
    assert Num(10.0, 1, 1).text("en") == "10.0" and Num(52.1).text("en") == "52.1"


def test_localized_errors_render_in_both_languages_and_log_in_english():
    class Boom(LocalizedError):
        pass

    exc = Boom(key="store_not_found", id="x")
    assert exc.text("nl") == "er is geen initiatief met id 'x'"
    assert exc.text("en") == str(exc) == "no initiative with id 'x'"
    assert exc.message == msg("store_not_found", id="x")
    plain = Boom("something odd")
    assert str(plain) == plain.text("nl") == "something odd" and plain.message is None


def test_field_labels_for_every_record_field():
    from dashboard.domain.record import RECORD_FIELDS

    for name in (*RECORD_FIELDS, "location"):
        label = i18n.field_label(name)
        assert isinstance(label, Message) and label.text("nl") and label.text("en")
    assert i18n.field_label("start_year").text("nl") == "Startjaar"
    assert i18n.field_label("lat").text("en") == "Latitude"
    assert i18n.field_label("kleur") == "kleur"  # not a field: shown as given
