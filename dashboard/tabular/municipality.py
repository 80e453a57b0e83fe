"""Municipality names in a spreadsheet -> CBS 2024 codes, for rows without coordinates.

People write "Súdwest-Fryslân", "sudwest fryslan", "Bergen (NH)" or "GM0373";
all are compared after folding case, accents and punctuation, so "Bergen (NH.)"
(the CBS spelling) and "Bergen NH" are the same. A name that is not (or no
longer) a municipality gets the nearest current names as suggestions; no list of
past mergers is kept, so "Dongeradeel" suggests names, it does not resolve.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from dashboard import geo
from dashboard.text import fold

_CODE_RE = re.compile(r"^(?:gm)?(\d{1,4})$")


def name_key(name: str) -> str:
    """Letters and digits only, folded: "Bergen (NH.)" -> ``bergennh``."""
    return re.sub(r"[^a-z0-9]+", "", fold(name))


@cache
def _index() -> tuple[dict[str, str], dict[str, str]]:
    """(name key -> statcode, statcode -> name) of the shipped 2024 municipalities."""
    names = {code: loc["statnaam"] for code, loc in geo.municipality_lookup().items()}
    return {name_key(name): code for code, name in names.items()}, names


def find_code(value: str) -> str | None:
    """The statcode a municipality name (or code such as ``GM0373`` / ``373``) means, or None."""
    keys, names = _index()
    key = name_key(value)
    if not key:
        return None
    code = keys.get(key)
    if code is not None:
        return code
    match = _CODE_RE.match(key)
    if match:
        code = f"GM{int(match.group(1)):04d}"
        return code if code in names else None
    return None


def code_by_name(value: str) -> str | None:
    """The statcode of the municipality named ``value`` (folded as ``name_key``), or None;
    unlike ``find_code`` a number is no code here (a typed place name is never one)."""
    key = name_key(value)
    return _index()[0].get(key) if key else None


def suggestions(value: str, n: int = 3) -> list[str]:
    """The current municipality names nearest to ``value`` (at most ``n``), best first."""
    keys, names = _index()
    key = name_key(value)
    # "Nuenen" is the start of "Nuenen, Gerwen en Nederwetten": such names come first
    starts = sorted(k for k in keys if key and k.startswith(key) and k != key)
    close = difflib.get_close_matches(key, list(keys), n=n, cutoff=0.5)
    found = list(dict.fromkeys([*starts, *close]))[:n]
    return [names[keys[k]] for k in found]


def name_of(code: str) -> str:
    """The 2024 name of a municipality code (the code itself when unknown)."""
    return _index()[1].get(code, code)
