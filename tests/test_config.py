"""Settings: the environment wins over the secrets file; broken files fail closed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import config


def test_env_wins_over_secrets():
    settings = config.load({config.ENV_PASSCODE: "from-env"},
                           {"KRIMPKAART_PASSCODE": "from-secrets"})
    assert settings.passcode == "from-env"


def test_secrets_keys_in_order():
    assert config.load({}, {"passcode": "short"}).passcode == "short"
    both = {"KRIMPKAART_PASSCODE": "long", "passcode": "short"}
    assert config.load({}, both).passcode == "long"
    assert config.load({}, {"passcode": 1234}).passcode == "1234"  # TOML number


@pytest.mark.parametrize("secrets", [{}, {"passcode": ""}, {"passcode": "   "},
                                     {"passcode": {"nested": "x"}}])
def test_not_configured(secrets):
    assert config.load({}, secrets).passcode is None


def test_empty_env_is_not_configured_and_falls_back():
    assert config.load({config.ENV_PASSCODE: ""}, {}).passcode is None
    assert config.load({config.ENV_PASSCODE: "  "}, {"passcode": "s3cret"}).passcode == "s3cret"


def test_secrets_files_merge_project_over_user_and_skip_broken(tmp_path: Path):
    user, project, broken = (tmp_path / n for n in ("user.toml", "project.toml", "bad.toml"))
    user.write_text('passcode = "user"\nKRIMPKAART_PASSCODE = "user-long"\n')
    project.write_text('KRIMPKAART_PASSCODE = "project"\n')
    broken.write_text("passcode = \n[[[")
    merged = config.read_secrets([user, broken, tmp_path / "missing.toml", project])
    assert merged == {"passcode": "user", "KRIMPKAART_PASSCODE": "project"}
    assert config.read_secrets([broken]) == {}


def test_paths_and_run_log_from_the_environment(tmp_path: Path):
    settings = config.load({config.ENV_STORE: str(tmp_path / "s.gpkg"),
                            config.ENV_GEODATA: str(tmp_path), config.ENV_RUN_LOG: "runs.log"},
                           {})
    assert settings.store_path == tmp_path / "s.gpkg"
    assert settings.geodata_dir == tmp_path
    assert settings.run_log == Path("runs.log")
    assert config.load({}, {}) == config.Settings()


def test_a_database_url_is_kept_as_text_not_made_a_path():
    """``Path("postgresql://u@h/db")`` would fold the ``//``: a URL must stay a string."""
    url = "postgresql://kaart:geheim@db.example:5432/krimpkaart?sslmode=require"
    settings = config.load({config.ENV_STORE: url}, {})
    assert (settings.store_url, settings.store_path) == (url, None)
    assert config.load({config.ENV_STORE: "postgres://h/db"}, {}).store_url == "postgres://h/db"
    assert config.is_database_url("PostgreSQL://h/db")
    assert not config.is_database_url("postgresql.gpkg")
    assert not config.is_database_url(Path("postgresql://h/db"))


def test_settings_are_read_once(monkeypatch):
    """Cached until ``reload``: a changed environment is not seen before."""
    monkeypatch.setenv(config.ENV_RUN_LOG, "first.log")
    assert config.reload().run_log == Path("first.log")
    monkeypatch.setenv(config.ENV_RUN_LOG, "second.log")
    assert config.settings().run_log == Path("first.log")
    assert config.reload().run_log == Path("second.log")


def test_child_environment_sets_and_removes(monkeypatch):
    monkeypatch.setenv("KRIMPKAART_TEST_VAR", "x")
    env = config.child_environment(KRIMPKAART_TEST_VAR=None, **{config.ENV_STORE: "/tmp/s"})
    assert "KRIMPKAART_TEST_VAR" not in env
    assert env[config.ENV_STORE] == "/tmp/s"


def test_the_public_url_for_workshop_links():
    assert config.load({"KRIMPKAART_PUBLIC_URL": " https://kaart.example.nl/ "}, {}).public_url \
        == "https://kaart.example.nl/"
    assert config.load({"KRIMPKAART_PUBLIC_URL": " "}, {}).public_url is None
    assert config.load({}, {}).public_url is None
