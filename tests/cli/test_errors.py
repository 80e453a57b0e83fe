"""Bad input on the command line ends in a message, never a traceback or lost data:
``backup`` never overwrites without ``--force`` (and never the store it reads),
destination problems are named as such, and a closed pipe ends a command quietly."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import cli
from dashboard.store import GeoPackageStore, open_store
from tests.store.test_store import SEED, rec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> GeoPackageStore:
    import json

    seed = tmp_path / "seed.geojson"
    seed.write_text(json.dumps(SEED), encoding="utf-8")
    return open_store(tmp_path / "store.gpkg", seed)


def backup(store: GeoPackageStore, dest: str | Path, *flags: str) -> int:
    return cli.main(["backup", str(dest), "--store", str(store.path), *flags])


def count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM initiatieven").fetchone()[0])
    finally:
        conn.close()


def test_backup_refuses_an_existing_file_without_force(store, tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("keep me", encoding="utf-8")
    assert backup(store, text) == 1
    err = capsys.readouterr().err
    assert err == (f"krimpkaart backup: {text} already exists; give another file name, "
                   "or --force to replace it\n")
    assert text.read_text(encoding="utf-8") == "keep me"

    readonly = tmp_path / "readonly.gpkg"
    readonly.write_text("read only", encoding="utf-8")
    readonly.chmod(0o444)
    assert backup(store, readonly) == 1
    assert readonly.read_text(encoding="utf-8") == "read only"

    assert backup(store, text, "--force") == 0
    assert count(text) == count(store.path)


def test_backup_does_not_overwrite_another_store_unless_forced(store, tmp_path, capsys):
    other = tmp_path / "other.gpkg"
    GeoPackageStore.create(other, [rec("a"), rec("b"), rec("c"), rec("d"), rec("e")])
    assert backup(store, other) == 1
    assert count(other) == 5
    assert backup(store, other, "--force") == 0
    assert count(other) == count(store.path) == 3
    capsys.readouterr()


def test_backup_never_overwrites_the_store_it_reads(store, tmp_path, capsys):
    before = count(store.path)
    link = tmp_path / "link.gpkg"
    link.symlink_to(store.path)
    hard = tmp_path / "hard.gpkg"
    os.link(store.path, hard)
    for dest in (store.path, link, hard, Path(f"{store.path}-wal"), Path(f"{store.path}-shm")):
        assert backup(store, dest, "--force") == 1, dest
        assert "the backup file cannot be the store itself" in capsys.readouterr().err
    assert count(store.path) == before


@pytest.mark.parametrize("dest,message", [
    ("", "give the backup a file name"),
    (".", "is a folder; give a file name"),
    ("fifo", "is not a regular file"),  # like /dev/null, which a root run must never replace
])
def test_backup_destination_problems_are_named(store, tmp_path, dest, message, capsys):
    if dest == "fifo":
        dest = str(tmp_path / "fifo")
        os.mkfifo(dest)
    assert backup(store, dest, "--force") == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "store" not in err.split(":", 1)[1]
    assert err.count("\n") == 1


def test_backup_into_an_unwritable_place_blames_the_destination(store, tmp_path, capsys):
    if not Path("/proc/version").is_file():
        pytest.skip("no /proc")
    assert backup(store, "/proc/version") == 1
    assert "/proc/version already exists" in capsys.readouterr().err
    assert backup(store, "/proc/version", "--force") == 1
    err = capsys.readouterr().err
    assert err.startswith("krimpkaart backup: cannot write the backup /proc/version: ")
    assert str(store.path) not in err


def test_backup_into_a_missing_folder(store, tmp_path, capsys):
    assert backup(store, tmp_path / "no" / "b.gpkg") == 1
    assert "does not exist" in capsys.readouterr().err


def test_backup_in_dutch(store, tmp_path, capsys):
    text = tmp_path / "notities.txt"
    text.write_text("x", encoding="utf-8")
    assert cli.main(["--lang", "nl", "backup", str(text), "--store", str(store.path)]) == 1
    assert capsys.readouterr().err == (
        f"krimpkaart backup: {text} bestaat al; kies een andere bestandsnaam, of geef --force "
        "om het te vervangen\n")


def test_restore_from_a_folder_says_it_is_a_folder(store, tmp_path, capsys):
    assert cli.main(["restore", str(tmp_path), "--store", str(store.path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert err == (f"krimpkaart restore: refusing to restore {tmp_path}: it is a folder, not a "
                   "file; the store is unchanged\n")


class ClosedPipe:
    """stdout of ``krimpkaart … | head -1`` once head has exited."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_any_command_quietly(tmp_path, monkeypatch, capsys):
    data = tmp_path / "fout.csv"
    data.write_text("naam,lat,lon\n" + "X,6.55,53.33\n" * 50, encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert cli.main(["validate", str(data)]) == 1
    assert cli.main(["template", "-o", str(tmp_path / "t.csv")]) == 1
    assert (tmp_path / "t.csv").is_file()  # written; only the confirmation had nowhere to go
    assert capsys.readouterr().err == ""


def test_validate_piped_into_head_has_no_traceback(tmp_path):
    """The real thing: a subprocess whose reader goes away after one line."""
    data = tmp_path / "fout.csv"
    data.write_text("naam,lat,lon\n" + "X,6.55,53.33\n" * 3000, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "validate", str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # like head -1
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert first and "Traceback" not in err and "BrokenPipeError" not in err, err
    assert err == ""


def test_an_unexpected_error_is_a_message(monkeypatch, capsys, tmp_path):
    from dashboard.cli import data as data_cli

    def boom(args):
        raise RuntimeError("something broke")

    monkeypatch.setattr(data_cli, "run_template", boom)
    assert cli.main(["template", "-o", str(tmp_path / "t.csv")]) == 1
    err = capsys.readouterr().err
    assert err == "krimpkaart template: unexpected error (RuntimeError: something broke)\n"
