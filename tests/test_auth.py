"""Facilitator passcode, rate limit and author names."""

from __future__ import annotations

import hmac

import pytest

from dashboard import auth
from dashboard.auth import AuthorError, RateLimiter, check_passcode, clean_author


class BrokenSecrets(dict):
    """Like st.secrets without a secrets.toml: every read raises."""

    def get(self, key, default=None):
        raise FileNotFoundError("no secrets.toml")


@pytest.fixture(autouse=True)
def _no_env_passcode(monkeypatch):
    monkeypatch.delenv(auth.PASSCODE_ENV, raising=False)


def test_env_wins_over_secrets(monkeypatch):
    monkeypatch.setenv(auth.PASSCODE_ENV, "from-env")
    assert auth.expected_passcode({"KRIMPKAART_PASSCODE": "from-secrets"}) == "from-env"


def test_secrets_keys_in_order():
    assert auth.expected_passcode({"passcode": "short"}) == "short"
    both = {"KRIMPKAART_PASSCODE": "long", "passcode": "short"}
    assert auth.expected_passcode(both) == "long"
    assert auth.expected_passcode({"passcode": 1234}) == "1234"  # TOML number


@pytest.mark.parametrize("secrets", [None, {}, {"passcode": ""}, {"passcode": "   "},
                                     BrokenSecrets(), {"passcode": {"nested": "x"}}])
def test_not_configured(secrets):
    assert auth.expected_passcode(secrets) is None
    assert not auth.passcode_configured(secrets)


def test_empty_env_is_not_configured_and_falls_back(monkeypatch):
    monkeypatch.setenv(auth.PASSCODE_ENV, "")
    assert not auth.passcode_configured({})
    assert auth.expected_passcode({"passcode": "s3cret"}) == "s3cret"


def test_check_passcode_behaviour():
    assert check_passcode("geheim", "geheim")
    assert check_passcode(" geheim\n", "geheim")  # pasted with a newline
    assert not check_passcode("Geheim", "geheim")
    assert not check_passcode("", "geheim")
    assert not check_passcode(None, "geheim")
    assert not check_passcode("", None)
    assert not check_passcode("", "")  # an empty passcode never unlocks
    assert check_passcode("wachtwoord-ë", "wachtwoord-ë")


def test_check_passcode_uses_compare_digest(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert check_passcode("abc", "abc")
    assert not check_passcode("abc", "abd")
    assert len(calls) == 2
    a, b = calls[0]
    assert isinstance(a, bytes) and isinstance(b, bytes)
    assert b"abc" not in a  # compared as digests of equal length, not as the raw text
    assert len(a) == len(b)


def test_rate_limit_delays_grow_and_cap():
    assert [auth.failure_delay(n) for n in range(0, 9)] == [0, 0, 0, 2, 4, 8, 16, 32, 60]
    assert auth.failure_delay(50) == 60


def test_rate_limiter_waits_and_resets():
    limiter = RateLimiter()
    assert limiter.allowed(0.0) == (True, 0.0)
    limiter.record_failure(0.0)
    limiter.record_failure(1.0)
    assert limiter.allowed(1.0) == (True, 0.0)  # two free attempts
    limiter.record_failure(2.0)
    ok, wait = limiter.allowed(2.5)
    assert not ok and wait == pytest.approx(1.5)
    assert limiter.allowed(4.0) == (True, 0.0)
    limiter.record_failure(4.0)
    ok, wait = limiter.allowed(4.0)
    assert not ok and wait == pytest.approx(4.0)
    limiter.record_success()
    assert limiter.allowed(4.0) == (True, 0.0)
    assert limiter.failures == 0
    limiter.record_failure(5.0)
    assert limiter.allowed(5.0) == (True, 0.0)  # the count started again


def test_rate_limiter_round_trips_as_dict():
    from dataclasses import asdict

    limiter = RateLimiter()
    for t in range(4):
        limiter.record_failure(float(t))
    again = RateLimiter(**asdict(limiter))
    assert again.allowed(3.5) == limiter.allowed(3.5)


def test_clean_author():
    assert clean_author("  Anna  de   Vries ") == "Anna de Vries"
    assert clean_author("Zoë") == "Zoë"
    assert clean_author("x" * 60) == "x" * 60


@pytest.mark.parametrize(("name", "key"), [
    ("", "author_required"), ("   ", "author_required"), (None, "author_required"),
    ("x" * 61, "author_too_long"), ("Anna\nPiet", "author_control"),
    ("Anna\x00", "author_control"), ("Anna\u202e", "author_control"),
])
def test_clean_author_refuses(name, key):
    with pytest.raises(ValueError) as info:
        clean_author(name)
    assert isinstance(info.value, AuthorError)
    assert info.value.key == key
    assert str(info.value)
