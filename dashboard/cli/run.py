"""``krimpkaart run``: start the Streamlit app with the options it needs.

The server options are passed on the command line, not read from a
``.streamlit/config.toml`` in the working directory, so the app behaves the
same from any folder and from an installed package.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from dashboard import config
from dashboard.cli.common import add_lang

SERVE = config.SERVE_PATH  # an st.App: the page (config.APP_PATH) plus the version route


def server_options(dev: bool = False) -> list[str]:
    """Streamlit options for a dashboard that many people keep open at once.

    * No file watcher outside development: it scans every imported module's path for
      each new session, which at 10,000 initiatives took 40 % of the server's time while
      a room full of people opened the page. ``--dev`` keeps it (reload on save).
    * No full garbage collection after every script run (``runner.postScriptGC``): it
      held the one Python thread for most of each run's time, so 30 sessions waited for
      each other's collections; Python's own generational collector still runs
      (bench/RESULTS-load.txt measures memory over a long run).
    """
    return [
        "--server.fileWatcherType", "auto" if dev else "none",
        "--runner.postScriptGC", "false",
    ]


def streamlit_command(port: int, address: str, extra: list[str] | None = None,
                      dev: bool = False) -> list[str]:
    """The full ``streamlit run`` command line for the app; ``extra`` comes last and wins."""
    return [
        sys.executable, "-m", "streamlit", "run", str(SERVE),
        "--server.port", str(port),
        "--server.address", address,
        "--server.headless", "true",
        "--server.enableStaticServing", "true",
        "--server.maxUploadSize", str(config.UPLOAD_LIMIT_MB),
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--theme.base", "light",
        *server_options(dev),
        *(extra or []),
    ]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="start the dashboard in the browser")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="localhost")
    parser.add_argument("--store", default=None,
                        help="initiatives store: a GeoPackage file or a postgresql:// URL")
    parser.add_argument("--dev", action="store_true",
                        help="development: rerun the page when a source file is saved")
    parser.add_argument(
        "streamlit_args", nargs=argparse.REMAINDER,
        help="further options for streamlit, e.g. -- --server.baseUrlPath kaart",
    )
    add_lang(parser, help="accepted like on every command; the page's language is chosen "
                          "by each visitor (default Dutch)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Become the Streamlit server (exec), so a signal to this process stops the server.

    A child process would survive when only this wrapper is terminated, leaving
    servers behind (seen in the end-to-end tests).
    """
    overrides = {}
    if args.store:  # a file is made absolute (the server may start elsewhere); a URL stays
        overrides[config.ENV_STORE] = (args.store if config.is_database_url(args.store)
                                       else str(Path(args.store).resolve()))
    env = config.child_environment(**overrides)
    extra = [a for a in args.streamlit_args if a != "--"]
    command = streamlit_command(args.port, args.address, extra, dev=args.dev)
    if os.name != "posix":  # no exec semantics worth relying on
        return subprocess.call(command, env=env)
    sys.stdout.flush()
    os.execve(command[0], command, env)
    return 0  # not reached
