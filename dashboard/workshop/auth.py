"""Facilitator access: the passcode, a per-session rate limit and the author name.

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
import unicodedata
from dataclasses import dataclass

from dashboard import config

AUTHOR_MAX = 60
# Rate limit: free attempts, then a delay doubling from FIRST_DELAY_S up to MAX_DELAY_S.
FREE_FAILURES = 2
FIRST_DELAY_S = 2.0
MAX_DELAY_S = 60.0


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


def failure_delay(failures: int) -> float:
    """Seconds to wait after ``failures`` wrong attempts: 0, 0, 2, 4, 8, ... capped at 60."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failures - FREE_FAILURES - 1))


@dataclass
class RateLimiter:
    """Wrong passcode attempts of one browser session, kept in ``st.session_state``.

    ``now`` is a monotonic clock reading (``time.monotonic()``) passed by the caller,
    which keeps this testable. Plain fields, so ``RateLimiter(**asdict(limiter))``
    round-trips when the page prefers to keep a dict.
    """

    failures: int = 0
    last_failure: float | None = None

    def allowed(self, now: float) -> tuple[bool, float]:
        """(may try now, seconds left to wait); check this before comparing the passcode."""
        if self.last_failure is None:
            return True, 0.0
        wait = self.last_failure + failure_delay(self.failures) - now
        return (True, 0.0) if wait <= 0 else (False, wait)

    def record_failure(self, now: float) -> None:
        """Count a wrong attempt; the next one waits longer."""
        self.failures += 1
        self.last_failure = now

    def record_success(self) -> None:
        """A correct passcode forgives the earlier attempts."""
        self.failures = 0
        self.last_failure = None


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
