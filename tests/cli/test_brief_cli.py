"""``krimpkaart brief``: a PDF per region or municipality, clear refusals with exit code 2."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from dashboard import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["brief", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def test_region_brief_is_written(tmp_path, capsys):
    target = tmp_path / "achterhoek.pdf"
    code, out, err = run(capsys, "--regio", "achterhoek", "-o", str(target), "--lang", "nl")
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")
    assert f"{target} geschreven" in out
    assert "Regio-brief: Achterhoek" in pdf_text(target)


def test_municipality_brief_by_code_or_name_in_english(tmp_path, capsys):
    code, out, err = run(capsys, "--gemeente", "1714", "-o", str(tmp_path), "--lang", "en")
    assert "krimpkaart-brief-gm1714.pdf" in out
    assert code == 0, err
    written = tmp_path / "krimpkaart-brief-gm1714.pdf"
    text = pdf_text(written)
    assert "Municipality brief: Sluis" in text and "KLUShuizen in Krimp" in text
    code, _, err = run(capsys, "--gemeente", "sluis", "-o", str(tmp_path / "s.pdf"))
    assert code == 0, err


@pytest.mark.parametrize(("argv", "message"), [
    (["--regio", "randstad"], "unknown region 'randstad'; choose from: achterhoek"),
    (["--gemeente", "GM9999"], "unknown municipality 'GM9999'"),
    ([], "give --regio or --gemeente"),
])
def test_bad_area_is_refused(capsys, tmp_path, argv, message):
    code, out, err = run(capsys, *argv, "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and out == ""
    assert err.startswith("krimpkaart brief: ") and message in err
    assert not (tmp_path / "x.pdf").exists()


def test_both_areas_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["brief", "--regio", "achterhoek", "--gemeente", "GM1714"])
    assert stop.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_unwritable_folder_is_refused(capsys, tmp_path):
    code, _, err = run(capsys, "--regio", "achterhoek", "-o", str(tmp_path / "nope" / "a.pdf"))
    assert code == 2 and "nope" in err
