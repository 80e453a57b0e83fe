"""Facilitator passcode, rate limit and author names."""

from __future__ import annotations

import hmac

import pytest

from dashboard import config
from dashboard.workshop import auth
from dashboard.workshop.auth import AuthorError, RateLimiter, check_passcode, clean_author


def test_passcode_comes_from_the_settings():
    assert auth.expected_passcode(config.Settings(passcode="geheim")) == "geheim"
    assert auth.passcode_configured(config.Settings(passcode="geheim"))
    assert auth.expected_passcode(config.Settings()) is None
    assert not auth.passcode_configured(config.Settings())


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
