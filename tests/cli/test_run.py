"""``krimpkaart run``: the Streamlit command line it becomes, with the server options that
keep a room of open tabs cheap."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from streamlit import config as st_config
from streamlit.web.server.app_discovery import discover_asgi_app

from dashboard import config
from dashboard.cli import main as krimpkaart
from dashboard.cli import run


def options(command: list[str]) -> dict[str, str]:
    """``--name value`` pairs of a command line; a later one wins, as Streamlit's parser does."""
    start = command.index("run") + 2  # after `streamlit run <script>`
    pairs = command[start:]
    return {pairs[i]: pairs[i + 1] for i in range(0, len(pairs), 2)}


def test_serves_the_app_with_its_version_route():
    command = run.streamlit_command(8600, "127.0.0.1")
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(config.SERVE_PATH)]
    found = discover_asgi_app(config.SERVE_PATH)  # how `streamlit run` decides to serve an st.App
    assert found.is_asgi_app and found.import_string == "serve:app"


def test_server_options_for_a_room_of_tabs():
    opts = options(run.streamlit_command(8600, "127.0.0.1"))
    assert opts["--server.fileWatcherType"] == "none"
    assert opts["--runner.postScriptGC"] == "false"
    # what the app needed before stays
    assert opts["--server.port"] == "8600" and opts["--server.address"] == "127.0.0.1"
    assert opts["--server.headless"] == "true"
    assert opts["--server.enableStaticServing"] == "true"
    assert opts["--server.maxUploadSize"] == str(config.UPLOAD_LIMIT_MB)
    assert opts["--theme.base"] == "light"


def test_dev_keeps_the_file_watcher_but_not_the_gc():
    opts = options(run.streamlit_command(8600, "127.0.0.1", dev=True))
    assert opts["--server.fileWatcherType"] == "auto"
    assert opts["--runner.postScriptGC"] == "false"


def test_options_after_double_dash_come_last_and_win():
    command = run.streamlit_command(8600, "127.0.0.1",
                                    ["--server.baseUrlPath", "kaart", "--runner.postScriptGC",
                                     "true"])
    assert command[-4:] == ["--server.baseUrlPath", "kaart", "--runner.postScriptGC", "true"]
    assert options(command)["--runner.postScriptGC"] == "true"


@pytest.mark.parametrize("dev", [False, True])
def test_every_option_is_one_streamlit_knows(dev):
    for name in options(run.streamlit_command(8600, "127.0.0.1", dev=dev)):
        assert name.startswith("--")
        assert name[2:] in st_config._config_options_template, name


def test_run_command_passes_dev_and_store(monkeypatch, tmp_path):
    seen = {}

    def fake_execve(path, argv, env):
        seen.update(path=path, argv=argv, env=env)
        raise SystemExit(0)

    monkeypatch.setattr(run.os, "execve", fake_execve)
    with pytest.raises(SystemExit):
        krimpkaart(["run", "--port", "8601", "--dev", "--store", str(tmp_path / "s.gpkg"),
                       "--", "--server.baseUrlPath", "kaart"])
    opts = options(seen["argv"])
    assert opts["--server.fileWatcherType"] == "auto"
    assert opts["--server.port"] == "8601"
    assert opts["--server.baseUrlPath"] == "kaart"
    assert seen["env"][config.ENV_STORE] == str((tmp_path / "s.gpkg").resolve())


def test_preload_declares_no_streamlit_component(tmp_path):
    """serve.preload runs outside a script run: a component module imported there would never
    be registered (streamlit_folium's map answered 404), so none may be among its imports."""
    code = ("import sys; from dashboard import serve; serve.preload(); "
            "print(sorted(m for m in sys.modules if m.startswith(('streamlit_folium', "
            "'dashboard.ui', 'dashboard.app'))))")
    env = {**os.environ, config.ENV_STORE: str(tmp_path / "s.gpkg")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, env=env, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
