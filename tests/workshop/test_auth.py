"""Facilitator passcode, its limit (per client and in total) and author names."""

from __future__ import annotations

import hmac

import pytest

from dashboard import config
from dashboard.store import FailureCounts
from dashboard.workshop import auth
from dashboard.workshop.auth import AuthorError, check_passcode, clean_author


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


def test_failure_delays_five_free_then_doubling_to_the_cap():
    assert [auth.failure_delay(n) for n in range(0, 11)] == [0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 60]
    assert auth.failure_delay(500) == 60
    assert auth.Limits() == auth.Limits(5, 900, 2.0, 60.0, 50, 3600, 10.0)  # from config


def test_wait_per_client_and_across_everyone():
    counts = FailureCounts
    assert auth.wait_seconds(counts(), 100.0) == 0
    assert auth.wait_seconds(counts(4, 99.0, 4, 99.0), 100.0) == 0  # the 5th is free
    assert auth.wait_seconds(counts(5, 99.0, 5, 99.0), 100.0) == pytest.approx(1.0)
    assert auth.wait_seconds(counts(6, 99.0, 6, 99.0), 100.0) == pytest.approx(3.0)
    assert auth.wait_seconds(counts(6, 90.0, 6, 90.0), 100.0) == 0  # waited long enough
    # everyone: above 50 failures an hour, 10 s after the last one, whoever failed
    assert auth.wait_seconds(counts(0, None, 50, 99.0), 100.0) == 0
    assert auth.wait_seconds(counts(0, None, 51, 99.0), 100.0) == pytest.approx(9.0)
    assert auth.wait_seconds(counts(9, 99.0, 51, 99.0), 100.0) == pytest.approx(31.0)


class MemoryAttempts:
    """The store's two attempt methods over a list, for the policy alone."""

    def __init__(self):
        self.rows: list[tuple[str, float, bool]] = []

    def record_passcode_attempt(self, client, at, ok, forget_before):
        self.rows = [r for r in self.rows if r[1] >= forget_before
                     and not (ok and r[0] == client and not r[2])]
        self.rows.append((client, at, ok))

    def passcode_failures(self, client, client_since, everyone_since):
        mine = [r[1] for r in self.rows if r[0] == client and not r[2] and r[1] >= client_since]
        all_ = [r[1] for r in self.rows if not r[2] and r[1] >= everyone_since]
        return FailureCounts(len(mine), max(mine, default=None), len(all_),
                             max(all_, default=None))


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_guard_never_checks_while_waiting_and_forgives_after_success():
    clock, attempts = Clock(), MemoryAttempts()
    guard = auth.PasscodeGuard(attempts, clock=clock)
    for _ in range(5):
        assert guard.attempt("a", "fout", "geheim") == auth.Attempt(False)
    refused = guard.attempt("a", "geheim", "geheim")  # right, but not even compared
    assert not refused.ok and refused.wait == pytest.approx(2.0)
    assert guard.attempt("b", "geheim", "geheim").ok  # another client is not held up
    clock.now += 2.0
    assert guard.attempt("a", "fout", "geheim") == auth.Attempt(False)
    assert guard.wait("a") == pytest.approx(4.0)
    clock.now += 4.0
    assert guard.attempt("a", "geheim", "geheim").ok
    assert guard.wait("a") == 0  # forgiven
    clock.now += 15 * 60 + 1  # and old failures fall out of the window anyway
    assert attempts.passcode_failures("a", 0, 0).client == 0


def test_guard_slows_everyone_when_many_clients_fail_but_never_locks_out():
    clock, attempts = Clock(), MemoryAttempts()
    guard = auth.PasscodeGuard(attempts, clock=clock)
    for n in range(51):  # 51 clients (new cookies each time), one failure each
        assert guard.attempt(f"bot{n}", "fout", "geheim") == auth.Attempt(False)
        clock.now += 1
    waiting = guard.attempt("facilitator", "geheim", "geheim")
    assert not waiting.ok and 0 < waiting.wait <= 10
    clock.now += waiting.wait
    assert guard.attempt("facilitator", "geheim", "geheim").ok  # no hard lockout


def test_client_tokens_are_signed_with_the_shared_secret():
    a = config.Settings(cookie_secret="een gedeeld geheim")
    b = config.Settings(cookie_secret="een ander geheim")
    token = auth.new_client_token(a)
    assert auth.valid_client_token(token, a)
    assert auth.valid_client_token(token, config.Settings(cookie_secret="een gedeeld geheim"))
    assert not auth.valid_client_token(token, b)  # another server's token
    nonce, _ = token.split(".")
    assert not auth.valid_client_token(f"{nonce}.{'0' * 32}", a)  # a chosen one
    for bad in (None, "", "abc", token + "x", 42):
        assert not auth.valid_client_token(bad, a)
    assert auth.new_client_token(a) != token
    # without a configured secret, this process's own key: still signed and checked
    own = auth.new_client_token(config.Settings())
    assert auth.valid_client_token(own, config.Settings()) and not auth.valid_client_token(own, a)


def test_client_key_is_token_plus_address_and_only_a_hash():
    key = auth.client_key("t", "192.0.2.7")
    assert key == auth.client_key("t", "192.0.2.7")
    assert key != auth.client_key("t", "192.0.2.8") != auth.client_key("u", "192.0.2.7")
    assert auth.client_key("t", None) == auth.client_key("t", "")
    assert "192.0.2.7" not in key and len(key) == 32


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
