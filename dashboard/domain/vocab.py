"""Closed vocabularies of the initiative record, with Dutch and English labels.

Themes, kinds, participation types (WRR), actors, scopes and statuses: every
filter, form, import and export uses these slugs, so a label changes here only.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property

from dashboard.text import fold


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of slugs with a Dutch and an English label each.

    ``name`` is the record field; messages call a term by the catalog's ``noun_<name>``.
    """

    name: str
    terms: tuple[tuple[str, str, str], ...]  # (slug, nl label, en label)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(slug for slug, _, _ in self.terms)

    def label(self, slug: str, lang: str = "nl") -> str:
        """Label for the UI; unknown slugs come back unchanged rather than failing."""
        for term_slug, nl, en in self.terms:
            if term_slug == slug:
                return en if lang == "en" else nl
        return slug

    def labels(self, lang: str = "nl") -> dict[str, str]:
        return {slug: self.label(slug, lang) for slug in self.slugs}

    @cached_property
    def _folded(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for slug, nl, en in self.terms:
            for text in (slug, nl, en):
                table.setdefault(fold(text), slug)
        return table

    def match(self, text: str) -> str | None:
        """The slug ``text`` names (slug, nl or en label; case, accents, hyphens ignored)."""
        if text is None:
            return None
        return self._folded.get(fold(text))

    def suggest(self, text: str) -> str | None:
        """The nearest slug to a misspelt value, or None when nothing is close."""
        folded = fold(text)
        if not folded:
            return None
        table = self._folded
        close = difflib.get_close_matches(folded, list(table), n=1, cutoff=0.6)
        if close:
            return table[close[0]]
        prefixed = [key for key in table if key.startswith(folded) or folded.startswith(key)]
        return table[prefixed[0]] if prefixed else None


KINDS = Vocabulary("kind", (
    ("initiatief", "Initiatief", "Initiative"),
    ("netwerk-platform", "Netwerk/platform", "Network/platform"),
    ("programma-beleid", "Programma/beleid", "Programme/policy"),
    ("fonds", "Fonds", "Fund"),
    ("onderzoek", "Onderzoek", "Research"),
    ("inspiratie-buitenland", "Inspiratie uit het buitenland", "Inspiration from abroad"),
))
THEMES = Vocabulary("themes", (
    ("wonen", "Wonen", "Housing"),
    ("leefbaarheid", "Leefbaarheid", "Liveability"),
    ("natuur", "Natuur", "Nature"),
    ("zorg", "Zorg", "Care"),
    ("economie", "Economie", "Economy"),
    ("onderwijs", "Onderwijs", "Education"),
    ("mobiliteit", "Mobiliteit", "Mobility"),
    ("energie", "Energie", "Energy"),
    ("voedsel", "Voedsel", "Food"),
    ("cultuur", "Cultuur", "Culture"),
    ("netwerken", "Netwerken", "Networking"),
    ("financiering", "Financiering", "Funding"),
))
PARTICIPATION = Vocabulary("participation", (
    ("beleidsparticipatie", "Beleidsparticipatie", "Policy participation"),
    ("maatschappelijke-participatie", "Maatschappelijke participatie", "Social participation"),
    ("maatschappelijk-initiatief", "Maatschappelijk initiatief", "Civic initiative"),
))
ACTORS = Vocabulary("actors", (
    ("burgers", "Burgers", "Citizens"),
    ("ondernemers", "Ondernemers", "Entrepreneurs"),
    ("overheid", "Overheid", "Government"),
    ("maatschappelijke-organisaties", "Maatschappelijke organisaties",
     "Civil society organisations"),
    ("kennisinstellingen", "Kennisinstellingen", "Knowledge institutions"),
    ("fondsen", "Fondsen", "Funds"),
))
SCOPES = Vocabulary("scope", (
    ("lokaal", "Lokaal", "Local"),
    ("regionaal", "Regionaal", "Regional"),
    ("landelijk", "Landelijk", "National"),
    ("online", "Online", "Online"),
    ("buitenland", "Buitenland", "Abroad"),
))
STATUSES = Vocabulary("status", (
    ("idee", "Idee", "Idea"),
    ("lopend", "Lopend", "Ongoing"),
    ("afgerond", "Afgerond", "Completed"),
    ("gestopt", "Gestopt", "Stopped"),
    ("onbekend", "Onbekend", "Unknown"),
))
VOCABULARIES: dict[str, Vocabulary] = {
    "kind": KINDS, "themes": THEMES, "participation": PARTICIPATION,
    "actors": ACTORS, "scope": SCOPES, "status": STATUSES,
}
# Scopes for which an initiative may have no point on the map.
POINTLESS_SCOPES = ("landelijk", "online", "buitenland")
