"""``krimpkaart export``: formats, batch output, --url, and exit code 2 for bad arguments."""

from __future__ import annotations

import argparse
import io
import json
import os

import pytest
from PIL import Image

from dashboard import cli, query
from dashboard.cli import export as cli_export
from dashboard.store import open_store
from tests.jscalls import kk_calls


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["export", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def namespace(*argv: str) -> argparse.Namespace:
    return cli.build_parser().parse_args(["export", *argv])


def test_batch_writes_every_format(tmp_path, capsys):
    stem = tmp_path / "kaart"
    code, out, err = run(capsys, "--thema", "wonen", "--regiotype", "krimpregio",
                         "--format", "png,pdf", "--format", "csv", "-o", str(stem))
    assert code == 0, err
    png, pdf, csv = (tmp_path / f"kaart.{ext}" for ext in ("png", "pdf", "csv"))
    assert Image.open(png).size == (1920, 1080)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert csv.read_bytes()
    assert out.count("wrote ") == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_single_output_keeps_the_given_name_and_infers_format(tmp_path, capsys):
    target = tmp_path / "voor-de-raad.svg"
    code, _, err = run(capsys, "--preset", "a4", "-o", str(target))
    assert code == 0, err
    assert target.read_bytes().lstrip().startswith(b"<?xml")
    code, _, err = run(capsys, "--format", "png", "--preset", "a4", "--dpi", "50",
                       "-o", str(tmp_path / "klein"))
    assert code == 0, err
    assert Image.open(tmp_path / "klein.png").size == pytest.approx((413, 585), abs=1)


def test_data_formats_hold_exactly_the_filtered_records(tmp_path, capsys):
    code, _, err = run(capsys, "--thema", "zorg", "--format", "geojson,xlsx,html",
                       "-o", str(tmp_path / "zorg"))
    assert code == 0, err
    records = open_store().list()
    frame = query.initiatives_frame(records)
    expected = set(query.apply(frame, query.FilterState(thema=("zorg",)))["id"])
    features = json.loads((tmp_path / "zorg.geojson").read_text())["features"]
    assert {f["properties"]["id"] for f in features} == expected
    assert (tmp_path / "zorg.xlsx").read_bytes()[:2] == b"PK"
    assert b"<title>Initiatieven: zorg</title>" in (tmp_path / "zorg.html").read_bytes()


def test_stdout_output(capsysbinary):
    code = cli.main(["export", "--format", "csv", "--thema", "wonen", "-o", "-"])
    out = capsysbinary.readouterr().out
    assert code == 0 and out


def test_url_reproduces_the_same_filters(tmp_path, capsys):
    url = ("https://krimpkaart.example/app/?thema=wonen,zorg&regiotype=krimpregio"
           "&van=2010&lang=en&bbox=6.0,52.9,7.3,53.6&laag=bevolking")
    state, view = cli_export.parse_state(namespace("--url", url))
    flags, _ = cli_export.parse_state(namespace("--thema", "wonen,zorg", "--regiotype",
                                                "krimpregio", "--van", "2010"))
    assert state == flags
    assert view.lang == "en" and view.bbox == (6.0, 52.9, 7.3, 53.6)
    assert view.laag == "bevolking"
    # the same data comes out either way
    code, _, err = run(capsys, "--url", url, "--format", "csv", "-o", str(tmp_path / "a"))
    assert code == 0, err
    code, _, err = run(capsys, "--thema", "wonen,zorg", "--regiotype", "krimpregio", "--van",
                       "2010", "--format", "csv", "-o", str(tmp_path / "b"))
    assert code == 0, err
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    # flags override the link
    state, _ = cli_export.parse_state(namespace("--url", url, "--thema", "energie"))
    assert state.thema == ("energie",)


def test_url_with_view_renders_the_view(tmp_path, capsys):
    url = "https://x.example/?bbox=6.0,52.9,7.3,53.6"
    code, _, err = run(capsys, "--url", url, "--format", "svg", "-o", str(tmp_path / "v"))
    assert code == 0, err
    assert "buiten dit kaartbeeld" in (tmp_path / "v.svg").read_text()


@pytest.mark.parametrize(("argv", "message"), [
    (["--thema", "wonen,wonenn"], "unknown thema value 'wonenn'"),
    (["--regio", "atlantis"], "allowed: achterhoek"),
    (["--regiotype", "krimp"], "allowed: krimpregio, anticipeerregio, geen"),
    (["--status", "klaar"], "unknown status value 'klaar'"),
    (["--dpi", "300"], "fixed size"),
    (["--preset", "slide2x", "--dpi", "100"], "fixed size"),
    (["--preset", "a4", "--dpi", "9000"], "dpi must be"),
    (["--preset", "a3"], "unknown preset"),
    (["--format", "jpg"], "unknown format 'jpg'"),
    (["--format", "png,pdf", "-o", "-"], "single format"),
    (["--van", "19x"], "not a year"),
    (["--url", "https://x.example/?thema=wonen&bbox=1,2"], "bbox='1,2' is not"),
    (["--url", "https://x.example/?thema=spelen"], "unknown thema value 'spelen'"),
])
def test_bad_arguments_exit_2_with_a_message(tmp_path, capsys, argv, message):
    target = tmp_path / "kaart.png"
    if "-o" not in argv:
        argv = [*argv, "-o", str(target)]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert err.count("\n") == 1  # one clear line
    assert not target.exists()


def test_unwritable_paths_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, "-o", str(tmp_path / "missing" / "kaart.png"))
    assert code == 2 and "does not exist" in err
    (tmp_path / "map.png").mkdir()
    code, _, err = run(capsys, "-o", str(tmp_path / "map.png"), "--format", "png")
    assert code == 0, err  # an existing folder gets the default name inside it
    assert (tmp_path / "map.png" / "krimpkaart.png").is_file()


def test_read_only_folder_exits_2(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: permissions are not enforced")
        code, _, err = run(capsys, "-o", str(locked / "kaart.png"))
        assert code == 2 and "permission denied" in err
    finally:
        locked.chmod(0o700)


def test_argparse_errors_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["export", "--dpi", "veel"])
    assert exit_.value.code == 2
    assert "invalid int value" in capsys.readouterr().err


def test_png_alt_text_travels_in_the_file(tmp_path, capsys):
    code, _, err = run(capsys, "--thema", "wonen", "--preset", "a4", "--dpi", "50",
                       "-o", str(tmp_path / "k.png"))
    assert code == 0, err
    info = Image.open(io.BytesIO((tmp_path / "k.png").read_bytes())).info
    assert info["Title"] == "Initiatieven: wonen"
    assert info["Description"].startswith("Kaart van Nederland")


def test_url_with_centre_and_zoom_renders_that_view(tmp_path, capsys):
    """A shared link's exact view: the image's extent is what a web map shows there,
    the same as a bbox link of those bounds; the HTML opens at that very centre and zoom."""
    from dashboard.webmap import bounds_for_view

    centre, zoom = (51.30357, 3.5093), 11.0
    link = "https://x.example/?centrum=51.30357,3.50930&zoom=11"
    bbox = ",".join(str(v) for v in bounds_for_view(centre, zoom, *cli_export.VIEW_EXTENT_PX))
    code, _, err = run(capsys, "--url", link, "--format", "svg,html", "-o", str(tmp_path / "v"))
    assert code == 0, err
    code, _, err = run(capsys, "--url", f"https://x.example/?bbox={bbox}", "--format", "svg",
                       "-o", str(tmp_path / "b"))
    assert code == 0, err
    svg = (tmp_path / "v.svg").read_text()
    assert "buiten dit kaartbeeld" in svg
    assert svg == (tmp_path / "b.svg").read_text()
    html = (tmp_path / "v.html").read_text()
    (fit,) = kk_calls(html, "fitOnLoad")
    assert fit["view"] == [*centre, zoom]
    # a zoom further out shows more: another extent, another image
    code, _, err = run(capsys, "--url", link.replace("zoom=11", "zoom=8"), "--format", "svg",
                       "-o", str(tmp_path / "wide"))
    assert code == 0, err
    assert (tmp_path / "wide.svg").read_text() != svg


def test_a_half_view_in_a_link_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, "--url", "https://x.example/?zoom=9", "-o",
                       str(tmp_path / "k.png"))
    assert code == 2 and "centrum and zoom go together" in err
