"""``krimpkaart export --timeline``: an animated GIF with one frame per start year."""

from __future__ import annotations

import pytest
from PIL import Image, ImageSequence

from bench.synth import make_store
from dashboard import cli, query
from dashboard.export import timeline as export_timeline
from dashboard.query import FilterState, timeline
from dashboard.store import open_store


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["export", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def multi_year_store(tmp_path_factory):
    path, _ = make_store(tmp_path_factory.mktemp("timeline") / "jaren.gpkg", 120)
    return path


def test_gif_has_one_frame_per_year_of_the_filtered_initiatives(multi_year_store, tmp_path,
                                                               capsys):
    target = tmp_path / "groei.gif"
    code, out, err = run(capsys, "--timeline", "--format", "gif", "--thema", "wonen",
                         "--van", "2010", "--preset", "a4-landscape", "--dpi", "50", "--store",
                         str(multi_year_store), "-o", str(target))
    assert code == 0, err
    frame = query.initiatives_frame(open_store(multi_year_store).list())
    span = timeline.years(query.apply(frame, FilterState(thema=("wonen",), van=2010)))
    assert len(span) > 5
    gif = Image.open(target)
    assert gif.format == "GIF"
    assert gif.n_frames == len(span)
    assert "groei.gif" in out
    # later frames hold more pins than earlier ones: the picture changes year by year
    frames = [f.convert("RGB").tobytes() for f in ImageSequence.Iterator(gif)]
    assert frames[0] != frames[-1]


def test_the_seed_has_one_start_year_and_gives_one_frame(tmp_path, capsys):
    code, _, err = run(capsys, "--timeline", "--preset", "a4", "--dpi", "50",
                       "-o", str(tmp_path / "seed"))
    assert code == 0, err
    assert Image.open(tmp_path / "seed.gif").n_frames == 1


def test_each_frame_shows_its_year(multi_year_store):
    frame = query.initiatives_frame(open_store(multi_year_store).list())
    shots = export_timeline.frames(frame, FilterState(), preset="a4", dpi=50)
    first_year, first = next(shots)
    second_year, second = next(shots)
    assert second_year == first_year + 1
    assert first.size == second.size


def test_gif_needs_timeline_and_timeline_writes_only_gif(tmp_path, capsys):
    code, _, err = run(capsys, "--format", "gif", "-o", str(tmp_path / "x"))
    assert code == 2 and "--timeline" in err
    code, _, err = run(capsys, "--timeline", "--format", "png", "-o", str(tmp_path / "x"))
    assert code == 2 and "gif" in err
    assert not list(tmp_path.iterdir())


def test_no_start_year_in_the_selection_is_a_clear_error(tmp_path, capsys):
    code, _, err = run(capsys, "--timeline", "--lang", "en", "--thema", "financiering",
                       "-o", str(tmp_path / "x.gif"))
    assert code == 2
    assert "no timeline" in err
    assert not (tmp_path / "x.gif").exists()
