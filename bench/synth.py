"""Synthetic initiatives for the benchmark: valid records at random points in Dutch municipalities.

``records(n)`` returns the shipped seed for n <= 0 (or n == seed size) and otherwise n
made-up records spread over the Netherlands (uniform over land area: a municipality is
picked with probability proportional to its area, then a point is rejection-sampled
inside it). ``make_store(path, n)`` writes them into a fresh GeoPackage store.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import shapely

from dashboard import geo, store
from dashboard.domain.vocab import ACTORS, KINDS, PARTICIPATION, STATUSES, THEMES

SEED = 20240611
# Kinds that make sense for a point in a Dutch municipality.
LOCAL_KINDS = tuple(k for k in KINDS.slugs if k != "inspiratie-buitenland")


def seed_records() -> list[dict]:
    return store.read_seed(store.default_seed_path())


def random_points(
    n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` (lon, lat) points uniform over land, rounded to 5 decimals (~1 m), and the
    row of the municipality each was drawn in (``geo.municipalities()``)."""
    frame = geo.municipalities()
    geoms = list(frame.geometry)
    areas = np.array([g.area for g in geoms])
    picks = rng.choice(len(geoms), size=n, p=areas / areas.sum())
    lons = np.empty(n)
    lats = np.empty(n)
    for index in np.unique(picks):
        slots = np.flatnonzero(picks == index)
        geom = geoms[index]
        shapely.prepare(geom)
        minx, miny, maxx, maxy = geom.bounds
        got = 0
        while got < len(slots):
            want = (len(slots) - got) * 3 + 8
            xs = rng.uniform(minx, maxx, want)
            ys = rng.uniform(miny, maxy, want)
            inside = shapely.contains_xy(geom, xs, ys)
            xs, ys = xs[inside], ys[inside]
            take = min(len(xs), len(slots) - got)
            lons[slots[got : got + take]] = xs[:take]
            lats[slots[got : got + take]] = ys[:take]
            got += take
    return np.round(lons, 5), np.round(lats, 5), picks


def synthetic_records(n: int, seed: int = SEED) -> list[dict]:
    """``n`` valid records at random points inside Dutch municipalities."""
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    lons, lats, _ = random_points(n, rng)
    located = geo.locate_many(lons, lats)
    out = []
    for i in range(n):
        code = located.at[i, "statcode"]
        place = located.at[i, "statnaam"]
        out.append({
            "id": f"initiatief-{i + 1}",
            "name": f"Initiatief {i + 1}",
            "kind": pyrng.choice(LOCAL_KINDS),
            "summary": f"Synthetisch initiatief nummer {i + 1} voor de benchmark.",
            "place": place if isinstance(place, str) else "",
            "gemeente_code": code if isinstance(code, str) else "",
            "lat": float(lats[i]),
            "lon": float(lons[i]),
            "scope": "lokaal",
            "themes": pyrng.sample(THEMES.slugs, pyrng.choice((1, 1, 2, 2, 3))),
            "participation": pyrng.choice(PARTICIPATION.slugs),
            "actors": pyrng.sample(ACTORS.slugs, pyrng.choice((1, 2))),
            "start_year": pyrng.choice([None, *range(1995, 2025)]),
            "status": pyrng.choice(STATUSES.slugs),
        })
    return out


def records(n: int) -> list[dict]:
    """The seed for ``n <= 0``, else ``n`` synthetic records."""
    return seed_records() if n <= 0 else synthetic_records(n)


def make_store(path: str | Path, n: int) -> tuple[Path, int]:
    """A fresh store at ``path`` with ``records(n)``; returns (path, number of records)."""
    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    recs = records(n)
    store.GeoPackageStore.create(path, recs)
    return path, len(recs)


# --------------------------------------------------------------------------- texts and regions
# For "leer van elkaar" and the region brief: texts that differ the way real ones do
# (words per theme, shared verbs), and a region crowded with initiatives.

THEME_WORDS = {
    "wonen": "woningen leegstand huurhuizen starters klushuis dorpskern verbouwing",
    "leefbaarheid": "dorpshuis buurtbus ontmoeting dorpsraad speeltuin vrijwilligers plein",
    "natuur": "landschap bomen wandelpad beekdal bloemen essen heide",
    "zorg": "mantelzorg ouderen thuiszorg huisarts zorgcoöperatie eenzaamheid welzijn",
    "economie": "ondernemers werkgelegenheid winkels bedrijventerrein toerisme vakmanschap",
    "onderwijs": "basisschool leerlingen scholing stages vakopleiding kindcentrum",
    "mobiliteit": "vervoer buurtbus deelauto fietspad bereikbaarheid openbaar",
    "energie": "zonnepanelen windmolen energiecoöperatie isolatie warmtenet besparing",
    "voedsel": "streekproducten boerderijwinkel moestuin voedselbank markt",
    "cultuur": "muziek theater erfgoed museum festival bibliotheek",
    "netwerken": "netwerk platform kennisdeling bijeenkomst samenwerking regio",
    "financiering": "fonds subsidie crowdfunding lening investering begroting",
}
VERBS = ("organiseren", "starten", "verbeteren", "versterken", "delen", "onderhouden")


def describe(records: list[dict], seed: int = SEED) -> list[dict]:
    """The records with a Dutch summary and description made of their themes' words."""
    rng = random.Random(seed + 1)
    out = []
    for record in records:
        words = [w for theme in record.get("themes") or [] for w in THEME_WORDS[theme].split()]
        picked = rng.sample(words, min(len(words), 6))
        summary = f"Bewoners {rng.choice(VERBS)} {' en '.join(picked[:2])}."
        description = (f"In {record.get('place') or 'het dorp'} {rng.choice(VERBS)} inwoners "
                       f"samen {', '.join(picked[2:])}; " f"ze {rng.choice(VERBS)} "
                       f"{rng.choice(words)} met de gemeente.")
        out.append({**record, "summary": summary, "description": description})
    return out


def crowded_region(slug: str, n: int, seed: int = SEED) -> list[dict]:
    """``n`` synthetic initiatives at random points inside region ``slug``'s municipalities
    (with texts), ids ``<slug>-<i>``: the brief's overflow case."""
    from dashboard.geo import provenance

    region = provenance.region(slug)
    if region is None:
        raise ValueError(f"unknown region {slug!r}")
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    munis = geo.municipalities().set_index("statcode").loc[list(region.members)]
    geoms = list(munis.geometry)
    out = []
    for i in range(n):
        index = i % len(geoms)
        geom = geoms[index]
        minx, miny, maxx, maxy = geom.bounds
        while True:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(geom, x, y):
                break
        name = f"{pyrng.choice(('Stichting', 'Coöperatie', 'Buurtnetwerk', 'Dorpsraad'))} " \
               f"{munis.iloc[index]['statnaam']} {i + 1}"
        out.append({
            "id": f"{slug}-{i + 1}", "name": name, "kind": pyrng.choice(LOCAL_KINDS),
            "place": str(munis.iloc[index]["statnaam"]),
            "gemeente_code": str(munis.index[index]),
            "lat": round(float(y), 5), "lon": round(float(x), 5), "scope": "lokaal",
            "themes": pyrng.sample(THEMES.slugs, pyrng.choice((1, 2, 3))),
            "participation": pyrng.choice(PARTICIPATION.slugs),
            "actors": pyrng.sample(ACTORS.slugs, pyrng.choice((1, 2))),
            "start_year": pyrng.choice([None, *range(2000, 2025)]),
            "status": pyrng.choice(STATUSES.slugs),
        })
    return describe(out, seed)
