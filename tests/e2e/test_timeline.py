"""The start-year timeline in the browser: step and play through the years, counting pins;
the year travels in the URL; presentation mode's keys; the region chart opens a region."""

from __future__ import annotations

import time

from dashboard import store
from tests.e2e.conftest import map_frame, running_app

YEARS = {"tl-a": 2001, "tl-b": 2003, "tl-c": 2003, "tl-d": 2005, "tl-x": None}
EXPECTED = {2001: 1, 2002: 1, 2003: 3, 2004: 3, 2005: 4}  # pins on the map per year


def _store(path):
    """The seed (one dated record) plus five of ours; the tests filter on their name."""
    db = store.open_store(path)
    db.add_many([{"id": key, "name": f"Tijdlijn {key}", "themes": ["zorg"], "kind": "initiatief",
                  "scope": "lokaal", "start_year": year,
                  "lat": 52.0 + i * 0.1, "lon": 5.0 + i * 0.1}
                 for i, (key, year) in enumerate(YEARS.items())], author="test")
    return path


def _pins(page, n: int, timeout: float = 20) -> int:
    """Wait until the map holds ``n`` pins (or the timeout); return the count."""
    frame = map_frame(page)
    deadline = time.monotonic() + timeout
    count = -1
    while time.monotonic() < deadline:
        count = frame.locator(".kk-pin").count()
        if count == n:
            return count
        page.wait_for_timeout(200)
    return count


def _year(page) -> str:
    return page.locator(".kk-tl-year").inner_text()


def test_timeline_steps_and_plays_through_the_years(offline_page, tmp_path, artifacts):
    with running_app(_store(tmp_path / "jaren.gpkg")) as url:
        page = offline_page.page
        page.goto(url + "/?kaart=geen&q=Tijdlijn")  # these five, not the seed
        assert _pins(page, 5, 60) == 5  # closed: every initiative, dated or not
        page.locator(".kk-tl-open").click()
        page.wait_for_function("() => location.href.includes('jaar=2001')", timeout=15_000)
        counts = {2001: _pins(page, EXPECTED[2001])}
        for year in range(2002, 2006):
            page.locator(".kk-tl-next").click()
            page.wait_for_function(f"() => location.href.includes('jaar={year}')",
                                   timeout=15_000)
            counts[year] = _pins(page, EXPECTED[year])
            assert _year(page) == str(year)
        assert counts == EXPECTED
        assert page.locator(".kk-tl-next").is_disabled()  # the last year
        undated = "1 initiatief zonder startjaar staat niet op de tijdlijn"  # tl-x, aside
        page.get_by_text(undated).first.wait_for()
        page.screenshot(path=str(artifacts / "timeline-2005.png"))

        page.locator(".kk-tl-prev").click()
        page.wait_for_function("() => location.href.includes('jaar=2004')", timeout=15_000)
        assert _pins(page, 3) == 3

        # play from the start (at 2004 it plays on to 2005 and stops there)
        page.locator(".kk-tl-play").click()
        page.wait_for_function("() => location.href.includes('jaar=2005')", timeout=15_000)
        assert _pins(page, 4) == 4
        page.wait_for_timeout(2500)
        assert "jaar=2005" in page.url  # stopped at the end
        page.locator(".kk-tl-play").click()  # at the end: plays again from the first year
        page.wait_for_function("() => location.href.includes('jaar=2001')", timeout=15_000)
        page.wait_for_function("() => location.href.includes('jaar=2003')", timeout=20_000)
        page.locator(".kk-tl-play").click()  # pause
        page.wait_for_timeout(3000)
        paused = page.url
        page.wait_for_timeout(2500)
        assert page.url == paused

        page.locator(".kk-tl-close").click()
        page.wait_for_function("() => !location.href.includes('jaar=')", timeout=15_000)
        assert _pins(page, 5) == 5
        assert not offline_page.errors


def test_year_from_a_link_and_presentation_keys(offline_page, tmp_path, artifacts):
    with running_app(_store(tmp_path / "jaren.gpkg")) as url:
        page = offline_page.page
        page.goto(url + "/?kaart=geen&q=Tijdlijn&mode=presentatie&jaar=2003")
        assert _pins(page, 3, 60) == 3
        assert _year(page) == "2003"
        page.keyboard.press(".")
        page.wait_for_function("() => location.href.includes('jaar=2004')", timeout=15_000)
        page.keyboard.press(",")
        page.keyboard.press(",")  # before the first rerun is back: the presses add up
        page.wait_for_function("() => location.href.includes('jaar=2002')", timeout=15_000)
        page.keyboard.press("t")
        page.wait_for_function("() => location.href.includes('jaar=2005')", timeout=20_000)
        assert _pins(page, 4) == 4
        page.screenshot(path=str(artifacts / "timeline-presentation.png"))
        assert not offline_page.errors


def test_clicking_a_region_in_the_overview_chart_opens_it_on_the_map(offline_page, app_url):
    page = offline_page.page
    page.goto(app_url + "/?kaart=geen")
    map_frame(page).locator(".leaflet-container").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Overzicht").click()
    dot = page.locator('.vega-embed svg .mark-symbol path[aria-label*="Achterhoek"]').first
    dot.wait_for(timeout=15_000)
    # let the tab's own rerun finish first: a click during it raced the tab switch once
    # on a machine at load 18 (the region was selected, the Overview tab stayed open)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=30_000)
    page.wait_for_timeout(1000)
    dot.click(force=True)
    page.wait_for_function("() => location.href.includes('gebied=achterhoek')", timeout=15_000)
    page.get_by_role("tab", name="Kaart", selected=True).wait_for(timeout=30_000)
    page.get_by_role("heading", name="Achterhoek").wait_for(timeout=15_000)
    assert not offline_page.errors
