"""Facilitator access: the passcode, its limit across reloads and processes, the author name.

Live editing is only for the facilitator, so the app stays read-only unless a
passcode is configured. ``dashboard.config`` reads it from the
``KRIMPKAART_PASSCODE`` environment variable or the secrets file (the
environment wins, so a deployment can override a checked-in secrets file).
Nothing here logs, formats or returns the passcode; the page must not show it
or put it in a URL either.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dashboard import config
from dashboard.store import FailureCounts, PasscodeAttempts

AUTHOR_MAX = 60
CLIENT_COOKIE = "krimpkaart_client"  # a signed random token: who is trying, across reloads
CLIENT_COOKIE_MAX_AGE_S = 30 * 24 * 3600
_PROCESS_KEY = secrets.token_bytes(32)  # `krimpkaart run` without a configured secret


def expected_passcode(settings: config.Settings | None = None) -> str | None:
    """The configured passcode (env first, then secrets), or None; blank values do not count."""
    return (settings or config.settings()).passcode


def passcode_configured(settings: config.Settings | None = None) -> bool:
    """Whether editing can be unlocked at all; without a passcode the app is read-only."""
    return expected_passcode(settings) is not None


def check_passcode(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; surrounding whitespace (a pasted newline) is ignored.

    Both sides are hashed first so the comparison does not reveal the length either.
    """
    if not expected or given is None:
        return False
    given_digest = hashlib.sha256(given.strip().encode("utf-8")).digest()
    expected_digest = hashlib.sha256(expected.strip().encode("utf-8")).digest()
    return hmac.compare_digest(given_digest, expected_digest)


# --------------------------------------------------------------------------- who is trying


def _signing_key(settings: config.Settings | None = None) -> bytes:
    """The shared cookie secret (every worker of `krimpkaart serve` has the same one), else
    this process's own random key (one process: a restart just hands out new tokens)."""
    secret = (settings or config.settings()).cookie_secret
    return hashlib.sha256(secret.encode("utf-8")).digest() if secret else _PROCESS_KEY


def _signature(nonce: str, key: bytes) -> str:
    return hmac.new(key, nonce.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def new_client_token(settings: config.Settings | None = None) -> str:
    """A fresh token for the client cookie: random, signed so no one can pick their own."""
    nonce = secrets.token_hex(16)
    return f"{nonce}.{_signature(nonce, _signing_key(settings))}"


def valid_client_token(token: object, settings: config.Settings | None = None) -> bool:
    """Whether ``token`` is one this server (or a sibling worker) handed out."""
    if not isinstance(token, str) or not re.fullmatch(r"[0-9a-f]{32}\.[0-9a-f]{32}", token):
        return False
    nonce, signature = token.split(".")
    return hmac.compare_digest(signature, _signature(nonce, _signing_key(settings)))


def client_key(token: str, address: str | None) -> str:
    """One client: the cookie token plus the address (None on localhost, or unknown).

    Only a hash is stored: the table says how often someone failed, not who or where.
    """
    return hashlib.sha256(f"{token}|{address or ''}".encode()).hexdigest()[:32]


# --------------------------------------------------------------------------- the limit


def _from_config(name: str) -> Any:
    return field(default_factory=lambda: getattr(config, name))


@dataclass(frozen=True)
class Limits:
    """The passcode limit's numbers, read from ``config`` when made (tests may change them)."""

    free_failures: int = _from_config("PASSCODE_FREE_FAILURES")
    client_window_s: float = _from_config("PASSCODE_CLIENT_WINDOW_S")
    first_delay_s: float = _from_config("PASSCODE_FIRST_DELAY_S")
    max_delay_s: float = _from_config("PASSCODE_MAX_DELAY_S")
    global_failures: int = _from_config("PASSCODE_GLOBAL_FAILURES")
    global_window_s: float = _from_config("PASSCODE_GLOBAL_WINDOW_S")
    global_delay_s: float = _from_config("PASSCODE_GLOBAL_DELAY_S")


def failure_delay(failures: int, limits: Limits | None = None) -> float:
    """Seconds one client waits after its ``failures``-th failure in the window:
    0 for the free ones, then 2, 4, 8, ... capped at 60 (the defaults)."""
    limits = limits or Limits()
    if failures < limits.free_failures:
        return 0.0
    return min(limits.max_delay_s,
               limits.first_delay_s * 2 ** (failures - limits.free_failures))


def wait_seconds(counts: FailureCounts, now: float, limits: Limits | None = None) -> float:
    """How long before the next attempt may be checked (0: now). Never a lockout: every
    wait ends, so no one can lock the facilitator out by failing on purpose."""
    limits = limits or Limits()
    wait = 0.0
    if counts.client_last is not None:
        wait = counts.client_last + failure_delay(counts.client, limits) - now
    if counts.everyone > limits.global_failures and counts.everyone_last is not None:
        wait = max(wait, counts.everyone_last + limits.global_delay_s - now)
    return max(0.0, wait)


@dataclass(frozen=True)
class Attempt:
    """What came of an attempt: unlocked, or not; ``wait`` > 0 when it was not even checked."""

    ok: bool
    wait: float = 0.0


class PasscodeGuard:
    """Wrong passcode attempts counted in the store: per client and in total, shared by
    every session and worker process, so a reload (a new session) resets nothing.

    ``clock`` is wall time (``time.time``): the processes compare each other's stamps.
    """

    def __init__(self, attempts: PasscodeAttempts, limits: Limits | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._attempts = attempts
        self._limits = limits or Limits()
        self._clock = clock

    def wait(self, client: str) -> float:
        """Seconds before ``client`` may try again (0: now)."""
        now = self._clock()
        counts = self._attempts.passcode_failures(
            client, now - self._limits.client_window_s, now - self._limits.global_window_s)
        return wait_seconds(counts, now, self._limits)

    def attempt(self, client: str, given: str | None, expected: str | None) -> Attempt:
        """Check ``given`` unless the client must wait first; count the outcome."""
        wait = self.wait(client)
        if wait > 0:
            return Attempt(False, wait)
        ok = check_passcode(given, expected)
        now = self._clock()
        forget = now - max(self._limits.client_window_s, self._limits.global_window_s)
        self._attempts.record_passcode_attempt(client, now, ok, forget)
        return Attempt(ok)


class AuthorError(ValueError):
    """A facilitator name that cannot be used; ``key``/``values`` are for the UI strings."""

    def __init__(self, message: str, key: str, **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


def clean_author(name: object) -> str:
    """The facilitator's name as recorded with each change: NFC, trimmed, 1–60 characters.

    Control and formatting characters (newlines, bidi overrides) are refused because
    the name ends up in the history and in messages shown to other people.
    """
    if not isinstance(name, str):
        raise AuthorError("the name must be text", "author_required")
    text = re.sub(" {2,}", " ", unicodedata.normalize("NFC", name)).strip()
    if not text:
        raise AuthorError("give your name, so your changes can be recorded under it",
                          "author_required")
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise AuthorError(f"the name contains a control character (U+{ord(bad):04X}); "
                          "remove it", "author_control", codepoint=f"U+{ord(bad):04X}")
    if len(text) > AUTHOR_MAX:
        raise AuthorError(f"the name is {len(text)} characters long; the maximum is "
                          f"{AUTHOR_MAX}", "author_too_long", length=len(text), limit=AUTHOR_MAX)
    return text
