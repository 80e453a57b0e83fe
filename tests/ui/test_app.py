"""The Streamlit page (streamlit.testing AppTest, no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import webmap
from tests.jscalls import kk_call

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def run(**params: str) -> AppTest:
    """The page with the Overview tab open (its table is the accessible view of the map)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.session_state["tab"] = "Overview" if params.get("lang") == "en" else "Overzicht"
    return at.run()


def initiatives_table(at: AppTest):
    return at.dataframe[-1].value


def result_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "initiatie" in m.value or "initiative" in m.value)


def test_closed_tabs_are_not_drawn():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert len(at.dataframe) == 0  # the Overview tables are only built when it is open


def test_page_runs_in_dutch_with_credit_and_all_initiatives():
    at = run()
    assert not at.exception
    assert at.title[0].value == "Krimpkaart"
    assert any("CBS/Kadaster" in c.value for c in at.caption)
    table = initiatives_table(at)
    assert len(table) >= 30 and "Naam" in table.columns
    assert result_line(at).startswith(f"**{len(table)}** van {len(table)}")


def test_page_runs_in_english():
    at = run(lang="en")
    assert not at.exception
    assert "Name" in initiatives_table(at).columns
    assert "Showing" in result_line(at)
    assert at.sidebar.button(key="lang_switch").label == "Nederlands"
    at.sidebar.button(key="lang_switch").click().run()  # back to Dutch, in the URL too
    assert "van" in result_line(at) and at.sidebar.button(key="lang_switch").label == "English"
    assert at.query_params.get("lang", "nl") == "nl"


def test_theme_filter_from_url_narrows_the_table_and_stays_in_the_url():
    everything = len(initiatives_table(run()))
    at = run(thema="wonen", regiotype="krimpregio")
    table = initiatives_table(at)
    assert 0 < len(table) < everything
    assert "KLUShuizen in Krimp" in set(table["Naam"])
    assert at.query_params["thema"] == "wonen"
    assert at.query_params["regiotype"] == "krimpregio"


def test_filter_widget_narrows_and_reset_clears():
    at = run()
    everything = len(initiatives_table(at))
    at.sidebar.multiselect(key="f_thema").set_value(["zorg"]).run()
    narrowed = initiatives_table(at)
    assert 0 < len(narrowed) < everything
    assert at.query_params["thema"] == "zorg"
    at.sidebar.button(key="reset").click().run()
    assert len(initiatives_table(at)) == everything
    assert "thema" not in at.query_params


def test_year_boxes_filter_swap_a_reversed_range_and_keep_a_url_year():
    at = run()
    everything = len(initiatives_table(at))
    at.sidebar.selectbox(key="f_van").set_value(2015).run()
    assert 0 < len(initiatives_table(at)) < everything
    assert at.query_params["van"] == "2015"
    at.sidebar.selectbox(key="f_tot").set_value(2010).run()  # 'to' before 'from'
    assert (at.query_params["van"], at.query_params["tot"]) == ("2010", "2015")
    at = run(van="1850")  # before the list's first year: still shown, still applied
    assert not at.exception
    assert at.sidebar.selectbox(key="f_van").value == 1850


def test_keyboard_helper_only_while_a_tour_or_presentation_runs():
    def frames(at: AppTest) -> int:
        return len(at.get("iframe"))

    assert frames(run()) == 0
    assert frames(run(tour="verhaal-krimpregios")) == 1
    assert frames(run(mode="presentatie")) == 1
    # the keys the script clicks are the buttons on the page
    at = run(mode="presentatie", tour="verhaal-krimpregios", stap="2")
    (frame,) = at.get("iframe")
    keys = json.loads(re.search(r'<script type="application/json" id="kk-data">(.*?)</script>',
                                frame.proto.srcdoc)[1])
    assert set(keys) == {"next", "prev", "leave"}
    for key in keys.values():
        assert at.button(key=key)


def test_bad_query_string_gives_a_notice_not_a_crash():
    at = run(thema="<script>", van="gisteren", onbekend="1", bbox="x")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "thema" in notices and "van" in notices and "onbekend" in notices
    assert len(initiatives_table(at)) >= 30


def test_link_values_in_a_notice_stay_text():
    """A link is user input: its values are escaped before they reach Markdown."""
    at = run(thema="[klik](https://evil.example)")
    (notice,) = [w.value for w in at.warning]
    assert notice.startswith("Link deels genegeerd: thema='")
    assert "\\[klik\\]\\(https://evil.example\\)" in notice
    assert "[klik](" not in notice


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_selected_initiative_shows_details(lang):
    at = run(id="klushuizen-oostburg", lang=lang)
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "KLUShuizen in Krimp" in text
    assert ("70.000" if lang == "nl" else "70,000") in text


@pytest.mark.parametrize("lang,label", [("nl", "Noot"), ("en", "Note")])
def test_details_show_the_note_under_the_description(lang, label):
    at = run(id="de-heimanshof-hoofddorp", lang=lang)
    assert not at.exception
    (note,) = [c.value for c in at.caption if "1975" in c.value]
    assert note.startswith(f"**{label}:** ") and "sntp.nl" in note
    text = " ".join(m.value for m in at.markdown)
    assert "2006" in text  # the article's own claim stays in the description


@pytest.mark.parametrize("lang,tab,word", [("nl", "Over deze kaart", "gereconstrueerd"),
                                           ("en", "About this map", "reconstructed")])
def test_about_says_where_each_region_comes_from(lang, tab, word):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.session_state["tab"] = tab
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for name in ("Zuidoost-Fryslân", "Waddeneilanden", "Oost-Drenthe", "Midden-Limburg",
                 "Walcheren", "Achterhoek", "Hoeksche Waard"):
        assert f"**{name}**" in text, name
    assert word in text and "Smallingerland" in text and "ValenteMendez" not in text


def test_region_panel_shows_partial_members_and_the_region_note():
    at = run(gebied="noordwest-fryslan")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Leeuwarden \\(deels\\)" in text or "Leeuwarden (deels)" in text
    assert "zonder deels aangewezen" in text
    captions = " ".join(c.value for c in at.caption)
    assert "tellen in de regiocijfers helemaal mee" in captions


def test_municipality_panel_from_url():
    at = run(gm="GM1714")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Sluis" in text and "Zeeuws-Vlaanderen" in text


def map_markers(at: AppTest) -> dict[str, str]:
    """id -> tooltip label of the markers the map component received on the last run."""
    (component,) = [e for e in at.get("component_instance")
                    if "streamlit_folium" in e.proto.component_name]
    script = json.loads(component.proto.json_args)["feature_group"]
    points = webmap.unpack_points(kk_call(script, "markers")["points"])
    return {i: label for p in points
            for i, label in zip(p[5].split(","), p[6].split("\n"), strict=False)}


def test_map_markers_follow_filters_and_data_changes():
    from dashboard import store

    at = run(thema="wonen")
    db = store.open_store()
    located = {r["id"] for r in db.list() if r.get("lat") is not None}
    housing = {r["id"] for r in db.list() if "wonen" in r["themes"]} & located
    assert set(map_markers(at)) == housing

    # A second session on the same link gets the same markers (from the cache) ...
    assert set(map_markers(run(thema="wonen"))) == housing
    # ... and a change to the data is never hidden by it: an edit shows,
    one = sorted(housing)[0]
    db.update({**db.get(one), "name": "Hernoemd project"}, author="test")
    assert map_markers(at.run())[one].startswith("Hernoemd project")
    # ... an addition adds one.
    added = db.add({"id": "nieuw-woonproject", "name": "Nieuw woonproject",
                    "themes": ["wonen"], "kind": "initiatief", "scope": "lokaal",
                    "lat": 53.1, "lon": 6.9}, author="test")
    assert set(map_markers(at.run())) == housing | {added["id"]}
    assert set(map_markers(run())) == located | {added["id"]}


def test_lists_without_point_are_built_only_when_open():
    at = run()
    assert not [b for b in at.button if b.key and b.key.startswith("nat_")]
    at.session_state["list_national"] = True
    at.session_state["list_abroad"] = True
    at.run()
    national = [b for b in at.button if b.key and b.key.startswith("nat_")]
    abroad = [b for b in at.button if b.key and b.key.startswith("abroad_")]
    assert national and abroad
    assert any(b.key == "zoom_europe" for b in at.button)
    # a pick selects the initiative, like a click on its marker
    national[0].click().run()
    assert at.query_params["id"] == national[0].key.removeprefix("nat_")


def test_page_runs_on_a_postgis_store(pg_database, monkeypatch):
    """KRIMPKAART_STORE=postgresql://...: the page reads, caches and follows the database."""
    from dashboard import config, store

    url = pg_database()
    monkeypatch.setenv(config.ENV_STORE, url)
    config.reload()
    at = run()
    assert not at.exception
    db = store.open_store(url)
    assert len(initiatives_table(at)) == len(db.list()) >= 30
    db.add({"id": "uit-de-database", "name": "Uit de database", "lat": 52.5, "lon": 6.1},
           author="tweede server")
    at.run()
    assert not at.exception
    assert "Uit de database" in set(initiatives_table(at)["Naam"])
    db.close()
