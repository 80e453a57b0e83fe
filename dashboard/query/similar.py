"""'Leer van elkaar': initiatives elsewhere that resemble one, with the reasons in words.

Similarity is a weighted sum of what two records share, each part explainable:

- themes (Jaccard overlap of the theme lists)                       0.40
- the text (TF-IDF cosine of name, summary, description and notes)  0.30
- the same kind, the same participation type                        0.10 each
- actors (Jaccard overlap)                                          0.05
- the same scope                                                    0.05

A candidate must share a theme or have text that resembles (cosine >= ``TEXT_MIN``);
ties are broken by name and id, so the answer is deterministic. Candidates in the
same area (region, else municipality) are never suggested: the point is to learn
from *elsewhere*. The index is built once per data version (the page caches it); one
initiative's top five are computed on demand from one sparse row, with no all-pairs matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard.domain.vocab import ACTORS, KINDS, PARTICIPATION, SCOPES, THEMES
from dashboard.i18n import regiotype_label, t

WEIGHTS = {"themes": 0.40, "text": 0.30, "kind": 0.10, "participation": 0.10,
           "actors": 0.05, "scope": 0.05}
TEXT_MIN = 0.10  # a text cosine below this is not "resembles"
TEXT_FIELDS = ("name", "summary", "description", "notes")  # Dutch, English where empty
SHARED_WORDS = 3  # words named in the text reason
BLOCK = 256  # rows scored at once for an area (a 256 x n matrix of floats)
STOPWORDS_FILE = Path(__file__).resolve().parent / "stopwords-nl.txt"
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"  # words of three or more letters, no numbers


@cache
def dutch_stop_words() -> frozenset[str]:
    """The shipped Dutch list (source and licence in the file's header)."""
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def stop_words() -> list[str]:
    """Dutch and English (scikit-learn's list): some records are English only."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(dutch_stop_words() | ENGLISH_STOP_WORDS)


@dataclass(frozen=True)
class Suggestion:
    """One initiative elsewhere, where it is, and why it resembles the one asked about."""

    id: str
    name: str
    where: str
    reasons: tuple[str, ...]
    score: float


def document(row: Mapping) -> str:
    """The text a record is compared by: Dutch fields, the English one where Dutch is empty."""
    parts = []
    for name in TEXT_FIELDS:
        value = row.get(name) or (row.get(f"{name}_en") if name != "name" else "") or ""
        parts.append(str(value))
    return " ".join(p for p in parts if p)


def area_key(row: Mapping) -> str:
    """What "the same place" means: the region, else the municipality, else nothing
    (national, online and foreign initiatives are compared with everything)."""
    if row.get("regio"):
        return f"regio:{row['regio']}"
    if row.get("statcode"):
        return f"gm:{row['statcode']}"
    return ""


def where_label(row: Mapping, lang: str) -> str:
    """Where an initiative is, in a few words: region, municipality, abroad, or its scope."""
    if row.get("regio"):
        return t("similar_where_region", lang, region=row["regio"],
                 kind=regiotype_label(str(row.get("regiotype") or ""), lang).lower())
    if row.get("statnaam"):
        return t("similar_where_municipality", lang, name=row["statnaam"])
    if row.get("abroad"):
        place = str(row.get("place") or "")
        return t("similar_where_abroad_place" if place else "similar_where_abroad", lang,
                 place=place)
    scope = str(row.get("scope") or "")
    return SCOPES.label(scope, lang).lower() if scope else t("similar_where_unknown", lang)


def _codes(values: Iterable, vocabulary: Sequence[str]) -> np.ndarray:
    """Index of each value in the vocabulary; -1 for empty or unknown."""
    index = {slug: i for i, slug in enumerate(vocabulary)}
    return np.array([index.get(str(v or ""), -1) for v in values], dtype=np.int16)


def _memberships(lists: Iterable, vocabulary: Sequence[str]) -> np.ndarray:
    """One row per record, one column per term: 1 where the record's list has it."""
    index = {slug: i for i, slug in enumerate(vocabulary)}
    rows = list(lists)
    out = np.zeros((len(rows), len(vocabulary)), dtype=np.float32)
    for r, values in enumerate(rows):
        for v in values or ():
            if v in index:
                out[r, index[v]] = 1.0
    return out


def _jaccard(matrix: np.ndarray, i: int) -> np.ndarray:
    inter = matrix @ matrix[i]
    union = matrix.sum(axis=1) + matrix[i].sum() - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


class SimilarityIndex:
    """What the suggestions need of every record, built once per data version.

    ``build`` takes the initiatives frame (``query.frame.initiatives_frame``); the
    TF-IDF matrix is sparse and L2-normalised, so one row times its transpose is the
    cosine with every record.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.rows: list[dict] = frame[[
            c for c in ("id", "name", "regio", "regiotype", "statcode", "statnaam", "abroad",
                        "place", "scope") if c in frame]].to_dict("records")
        self.ids = [str(r["id"]) for r in self.rows]
        self.position = {rid: i for i, rid in enumerate(self.ids)}
        self.names = np.array([str(r.get("name") or "") for r in self.rows], dtype=object)
        self.areas = np.array([area_key(r) for r in self.rows], dtype=object)
        self.themes = _memberships(frame["themes"], THEMES.slugs)
        self.actors = _memberships(frame["actors"], ACTORS.slugs)
        self.theme_lists = [list(v or []) for v in frame["themes"]]
        self.actor_lists = [list(v or []) for v in frame["actors"]]
        self.kind = _codes(frame["kind"], KINDS.slugs)
        self.participation = _codes(frame["participation"], PARTICIPATION.slugs)
        self.scope = _codes(frame["scope"], SCOPES.slugs)
        records = frame.to_dict("records")
        vectorizer = TfidfVectorizer(strip_accents="unicode", lowercase=True,
                                     stop_words=stop_words(), token_pattern=TOKEN_PATTERN,
                                     sublinear_tf=True, dtype=np.float32)
        self.text: Any = None  # sparse rows x words; None when no text has a word
        self.words = np.array([], dtype=object)
        try:
            self.text = vectorizer.fit_transform([document(r) for r in records]).tocsr()
            self.words = vectorizer.get_feature_names_out()
        except ValueError:  # no words at all (every text empty or only stop words)
            pass

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, frame: pd.DataFrame) -> SimilarityIndex:
        return cls(frame)

    def _scores(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(score, theme overlap, text cosine) of record ``i`` against every record."""
        themes = _jaccard(self.themes, i)
        actors = _jaccard(self.actors, i)
        text = np.zeros(len(self)) if self.text is None \
            else np.asarray((self.text @ self.text[i].T).todense()).ravel()
        same = {name: (codes == codes[i]) & (codes[i] >= 0) for name, codes in (
            ("kind", self.kind), ("participation", self.participation), ("scope", self.scope))}
        score = (WEIGHTS["themes"] * themes + WEIGHTS["text"] * text
                 + WEIGHTS["actors"] * actors
                 + sum(WEIGHTS[name] * mask for name, mask in same.items()))
        return score, themes, text

    def ranked(self, i: int, exclude_areas: Iterable[str] = (),
               limit: int = 5) -> list[tuple[int, float]]:
        """The best ``limit`` records to suggest for ``i`` as (position, score): not itself,
        not in an excluded area, sharing a theme or resembling in text. Ties are broken by
        name and id, also at the cut-off, so the answer never depends on row order."""
        score, themes, text = self._scores(i)
        ok = (themes > 0) | (text >= TEXT_MIN)
        ok[i] = False
        for area in {a for a in exclude_areas if a}:
            ok &= self.areas != area
        hits = np.flatnonzero(ok)
        if len(hits) == 0 or limit <= 0:
            return []
        rounded = np.round(score[hits].astype(np.float64), 9)
        if len(hits) > limit:  # keep everything tied with the last place, sort only those
            cut = np.partition(rounded, len(hits) - limit)[len(hits) - limit]
            keep = rounded >= cut
            hits, rounded = hits[keep], rounded[keep]
        order = sorted(range(len(hits)), key=lambda k: (-rounded[k], self.names[hits[k]],
                                                        self.ids[hits[k]]))
        return [(int(hits[k]), float(rounded[k])) for k in order[:limit]]

    def similar(self, record_id: str, lang: str, limit: int = 5) -> list[Suggestion]:
        """Up to ``limit`` initiatives outside the record's own area, best first."""
        i = self.position.get(record_id)
        if i is None:
            return []
        return [self.suggestion(i, j, value, lang)
                for j, value in self.ranked(i, [self.areas[i]], limit)]

    def similar_to_area(self, record_ids: Sequence[str], area: str, lang: str,
                        limit: int = 5) -> list[tuple[str, Suggestion]]:
        """For a region's (or municipality's) initiatives: the best matches outside ``area``
        (an ``area_key``), each suggested once with the initiative here it resembles most,
        as (name of the one here, suggestion). Scored in blocks of rows, so a region of
        hundreds of initiatives costs a few matrix products, not one pass per initiative."""
        rows = [self.position[r] for r in record_ids if r in self.position]
        if not rows:
            return []
        best = np.full(len(self), -np.inf)
        source = np.full(len(self), -1, dtype=np.int64)
        allowed = self.areas != area if area else np.ones(len(self), dtype=bool)
        allowed[rows] = False
        for start in range(0, len(rows), BLOCK):
            block = rows[start:start + BLOCK]
            score = self._block_scores(block)
            score[:, ~allowed] = -np.inf
            top = score.max(axis=0)
            better = top > best
            best[better] = top[better]
            source[better] = np.asarray(block)[score.argmax(axis=0)[better]]
        hits = np.flatnonzero(np.isfinite(best))
        rounded = np.round(best[hits], 9)
        order = sorted(range(len(hits)), key=lambda k: (-rounded[k], self.names[hits[k]],
                                                        self.ids[hits[k]]))[:limit]
        return [(str(self.names[source[hits[k]]]),
                 self.suggestion(int(source[hits[k]]), int(hits[k]), float(rounded[k]), lang))
                for k in order]

    def _block_scores(self, block: list[int]) -> np.ndarray:
        """Scores of the records in ``block`` (rows) against every record (columns); -inf
        where a pair shares neither a theme nor enough text to be suggested."""
        themes_in = self.themes[block]
        inter = themes_in @ self.themes.T
        union = themes_in.sum(axis=1)[:, None] + self.themes.sum(axis=1)[None, :] - inter
        with np.errstate(divide="ignore", invalid="ignore"):
            themes = np.where(union > 0, inter / union, 0.0)
            actors_in = self.actors[block]
            a_inter = actors_in @ self.actors.T
            a_union = actors_in.sum(axis=1)[:, None] + self.actors.sum(axis=1)[None, :] - a_inter
            actors = np.where(a_union > 0, a_inter / a_union, 0.0)
        text = np.zeros_like(themes) if self.text is None \
            else (self.text[block] @ self.text.T).toarray()
        score = WEIGHTS["themes"] * themes + WEIGHTS["text"] * text \
            + WEIGHTS["actors"] * actors
        for name, codes in (("kind", self.kind), ("participation", self.participation),
                            ("scope", self.scope)):
            mine = codes[block][:, None]
            score += WEIGHTS[name] * ((mine == codes[None, :]) & (mine >= 0))
        return np.where((themes > 0) | (text >= TEXT_MIN), score, -np.inf)

    def suggestion(self, i: int, j: int, score: float, lang: str) -> Suggestion:
        row = self.rows[j]
        return Suggestion(id=self.ids[j], name=str(row.get("name") or ""),
                          where=where_label(row, lang), reasons=tuple(self.reasons(i, j, lang)),
                          score=round(score, 4))

    def _cosine(self, i: int, j: int) -> float:
        if self.text is None:
            return 0.0
        return float(self.text[i].multiply(self.text[j]).sum())

    def shared_words(self, i: int, j: int, limit: int = SHARED_WORDS) -> list[str]:
        """The words that weigh most in both texts (the product of their TF-IDF weights)."""
        if self.text is None:
            return []
        product = self.text[i].multiply(self.text[j]).tocoo()
        if product.nnz == 0:
            return []
        order = sorted(range(product.nnz), key=lambda k: (-float(product.data[k]),
                                                          str(self.words[product.col[k]])))
        return [str(self.words[product.col[k]]) for k in order[:limit]]

    def reasons(self, i: int, j: int, lang: str) -> list[str]:
        """What records ``i`` and ``j`` share, in words, most telling first."""
        out = []
        shared = [s for s in self.theme_lists[i] if s in self.theme_lists[j]]
        if shared:
            out.append(t("similar_reason_themes", lang, n=len(shared),
                         themes=", ".join(THEMES.label(s, lang).lower() for s in shared)))
        if self.participation[i] >= 0 and self.participation[i] == self.participation[j]:
            out.append(t("similar_reason_participation", lang, value=PARTICIPATION.label(
                PARTICIPATION.slugs[self.participation[i]], lang).lower()))
        if self.kind[i] >= 0 and self.kind[i] == self.kind[j]:
            out.append(t("similar_reason_kind", lang,
                         value=KINDS.label(KINDS.slugs[self.kind[i]], lang).lower()))
        actors = [a for a in self.actor_lists[i] if a in self.actor_lists[j]]
        if actors:
            out.append(t("similar_reason_actors", lang,
                         actors=", ".join(ACTORS.label(a, lang).lower() for a in actors)))
        if self.scope[i] >= 0 and self.scope[i] == self.scope[j]:
            out.append(t("similar_reason_scope", lang,
                         value=SCOPES.label(SCOPES.slugs[self.scope[i]], lang).lower()))
        words = self.shared_words(i, j) if self._cosine(i, j) >= TEXT_MIN / 2 else []
        if words:
            out.append(t("similar_reason_text", lang, words=", ".join(words)))
        return out
