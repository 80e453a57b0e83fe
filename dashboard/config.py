"""Settings, read once: environment variables, the secrets file, paths and limits.

This is the only module that reads ``os.environ``. It does not import
Streamlit: it reads ``.streamlit/secrets.toml`` itself (the files Streamlit
reads, in its order: the user's, then the project's, which wins), and an
environment variable always wins over a secrets file, so a deployment can
override a checked-in file. ``settings()`` is cached; tests that change the
environment call ``reload()``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
APP_PATH = PACKAGE_DIR / "app.py"
SERVE_PATH = PACKAGE_DIR / "serve.py"  # what `krimpkaart run` serves: the page + routes

ENV_STORE = "KRIMPKAART_STORE"  # a GeoPackage file, or a postgresql:// URL (PostGIS)
DATABASE_URL_SCHEMES = ("postgresql://", "postgres://")
ENV_GEODATA = "KRIMPKAART_GEODATA"
ENV_PASSCODE = "KRIMPKAART_PASSCODE"
ENV_RUN_LOG = "KRIMPKAART_RUN_LOG"
ENV_STRICT_I18N = "KRIMPKAART_STRICT_I18N"
ENV_PUBLIC_URL = "KRIMPKAART_PUBLIC_URL"  # the address participants' phones open (a proxy's)
# One secret for every worker of `krimpkaart serve`: Streamlit signs its XSRF cookie with it
# (server.cookieSecret), and the passcode limit signs its client cookie with it.
ENV_COOKIE_SECRET = "KRIMPKAART_COOKIE_SECRET"
# The command line's language comes from the locale, in POSIX order of precedence.
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
SECRET_KEYS = ("KRIMPKAART_PASSCODE", "passcode")  # in this order

# Limits. The app's upload limit is also Streamlit's server.maxUploadSize (cli/run.py).
UPLOAD_LIMIT_MB = 10
UPLOAD_LIMIT_BYTES = UPLOAD_LIMIT_MB * 1024 * 1024
IMPORT_MAX_ROWS = 50_000  # a file read whole (the page; GeoJSON and GeoPackage everywhere)
IMPORT_MAX_COLUMNS = 200
# ``krimpkaart import`` streams CSV and XLSX (no size or row limit); GeoJSON and GeoPackage
# are read whole, so they have a size limit there too.
IMPORT_WHOLE_FILE_LIMIT_MB = 50
IMPORT_WHOLE_FILE_LIMIT_BYTES = IMPORT_WHOLE_FILE_LIMIT_MB * 1024 * 1024

# Wrong passcode attempts (workshop/auth.py), counted in the store across reloads and
# processes. Per client: this many free failures per window, then a delay doubling from
# the first delay up to the cap. Across all clients: above this many failures per hour,
# every attempt waits the global delay after the last failure. Never a hard lockout.
PASSCODE_FREE_FAILURES = 5
PASSCODE_CLIENT_WINDOW_S = 15 * 60
PASSCODE_FIRST_DELAY_S = 2.0
PASSCODE_MAX_DELAY_S = 60.0
PASSCODE_GLOBAL_FAILURES = 50
PASSCODE_GLOBAL_WINDOW_S = 60 * 60
PASSCODE_GLOBAL_DELAY_S = 10.0


@dataclass(frozen=True)
class Settings:
    """What the environment and the secrets file say; None where nothing is set."""

    store_path: Path | None = None  # KRIMPKAART_STORE when it names a file
    store_url: str | None = None  # KRIMPKAART_STORE when it is a postgresql:// URL
    geodata_dir: Path | None = None
    passcode: str | None = None
    run_log: Path | None = None
    cli_lang: str = "en"  # "nl" when the locale is Dutch (see ``locale_lang``)
    strict_i18n: bool = False  # raise on a missing catalog key (tests, browser tests)
    public_url: str | None = None  # KRIMPKAART_PUBLIC_URL: the workshop link's address
    cookie_secret: str | None = None  # shared by the workers of `krimpkaart serve`


def secrets_files(cwd: Path | None = None) -> list[Path]:
    """Streamlit's secrets files, lowest priority first."""
    return [Path.home() / ".streamlit" / "secrets.toml",
            (cwd or Path.cwd()) / ".streamlit" / "secrets.toml"]


def read_secrets(paths: Sequence[Path]) -> dict[str, Any]:
    """The merged secrets; a missing or broken file counts as empty (fail closed)."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            with open(path, "rb") as handle:
                merged.update(tomllib.load(handle))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
    return merged


def _text(value: object) -> str | None:
    """A non-blank text value, stripped; tables, blanks and None do not count."""
    if value is None or isinstance(value, Mapping):
        return None
    text = str(value).strip()
    return text or None


def resolve_passcode(env_value: str | None, secrets: Mapping[str, Any]) -> str | None:
    """The environment's passcode, else the first secrets key that has one."""
    for value in (env_value, *(secrets.get(key) for key in SECRET_KEYS)):
        text = _text(value)
        if text is not None:
            return text
    return None


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def locale_lang(env: Mapping[str, str]) -> str:
    """``nl`` when the first set locale variable (LC_ALL, LC_MESSAGES, LANG) is Dutch, else ``en``.

    ``nl_NL.UTF-8`` and ``nl_BE`` are Dutch; ``C``, ``en_GB`` or nothing at all are not.
    """
    value = next((env[name] for name in LOCALE_VARS if env.get(name)), "")
    return "nl" if value.lower().startswith("nl") else "en"


def is_database_url(value: object) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) connection URL."""
    return isinstance(value, str) and value.strip().lower().startswith(DATABASE_URL_SCHEMES)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "ja")


def load(
    environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
) -> Settings:
    """Settings from ``environ`` (default ``os.environ``) and secrets (default: the files)."""
    env = os.environ if environ is None else environ
    if secrets is None:
        secrets = read_secrets(secrets_files())
    store = (env.get(ENV_STORE) or "").strip()
    url = is_database_url(store)
    return Settings(
        store_path=None if url else _path(env.get(ENV_STORE)),
        store_url=store if url else None,
        geodata_dir=_path(env.get(ENV_GEODATA)),
        passcode=resolve_passcode(env.get(ENV_PASSCODE), secrets),
        run_log=_path(env.get(ENV_RUN_LOG)),
        cli_lang=locale_lang(env),
        strict_i18n=_flag(env.get(ENV_STRICT_I18N)),
        public_url=_text(env.get(ENV_PUBLIC_URL)),
        cookie_secret=_text(env.get(ENV_COOKIE_SECRET)),
    )


@cache
def settings() -> Settings:
    """The process's settings, read on first use."""
    return load()


def reload() -> Settings:
    """Forget the cached settings and read them again (tests, after changing the env)."""
    settings.cache_clear()
    return settings()


def child_environment(**overrides: str | None) -> dict[str, str]:
    """The environment for a child process (the Streamlit server), with overrides set or removed."""
    env = dict(os.environ)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env
