"""Write a valid N-row import CSV for the import benchmark (bench/bench_import.py).

Columns: name, place, lat, lon, themes, kind, start_year, description (~200 characters).
Points lie inside Dutch municipalities (``synth.random_points``: a municipality picked by
area, then a point rejection-sampled inside it), ``place`` is that municipality's name
(with its accents: Súdwest-Fryslân), names are unique from ``--start`` on, so a second
file with ``--start N+1`` imports into a store that holds the first one. Written in
blocks of 50,000 rows, so memory stays flat whatever N is.

    .venv/bin/python bench/make_import.py 1000000 -o /tmp/import-1m.csv [--start 1]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import LOCAL_KINDS, random_points

from dashboard import geo
from dashboard.domain.vocab import KINDS, THEMES

COLUMNS = ["name", "place", "lat", "lon", "themes", "kind", "start_year", "description"]
BLOCK = 50_000
NAME_WORDS = ("Dorpshuis", "Buurtbus", "Zorgcoöperatie", "Energiecoöperatie", "Klushuis",
              "Speeltuin", "Dorpsraad", "Repair Café", "Voedselbank", "Buurtkamer",
              "Ontmoetingsplek", "Jeugdhonk", "Dorpswinkel", "Zonnepark", "Bibliotheekpunt")
TEXT_WORDS = ("bewoners", "dorp", "samen", "vrijwilligers", "voorzieningen", "krimp",
              "leefbaarheid", "ontmoeting", "jongeren", "ouderen", "zorg", "woningen",
              "gemeente", "regio", "initiatief", "buurt", "school", "energie", "groen",
              "coöperatie", "fonds", "plan", "overleg", "toekomst", "Fryslân")


def description(rng: random.Random) -> str:
    """~200 characters of Dutch-looking words; a comma, quote or semicolon now and then
    (so the CSV writer has to quote)."""
    words: list[str] = []
    length = 0
    while length < 190:
        word = rng.choice(TEXT_WORDS)
        words.append(word)
        length += len(word) + 1
    if rng.random() < 0.2:
        words[3] += ","
    if rng.random() < 0.05:
        words[5] = f'"{words[5]}"'
    if rng.random() < 0.05:
        words[7] += ";"
    return " ".join(words).capitalize() + "."


def rows(n: int, start: int, seed: int) -> object:
    """Yield ``n`` CSV rows (lists of text) in blocks, numbered from ``start``."""
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    names = geo.municipalities()["statnaam"].tolist()
    kinds = [*LOCAL_KINDS, *(KINDS.label(k, "nl") for k in LOCAL_KINDS)]
    done = 0
    while done < n:
        size = min(BLOCK, n - done)
        lons, lats, picks = random_points(size, rng)
        for i in range(size):
            number = start + done + i
            themes = pyrng.sample(THEMES.slugs, pyrng.choice((1, 1, 2, 2, 3)))
            year = pyrng.choice(["", *map(str, range(1995, 2025))])
            yield [f"{pyrng.choice(NAME_WORDS)} {number}", names[picks[i]], f"{lats[i]:.5f}",
                   f"{lons[i]:.5f}", "|".join(themes), pyrng.choice(kinds), year,
                   description(pyrng)]
        done += size


def write(path: Path, n: int, start: int = 1, seed: int = 20240611, sep: str = ",") -> int:
    """Write the CSV (UTF-8, header first); returns its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=sep)
        writer.writerow(COLUMNS)
        writer.writerows(rows(n, start, seed + start))  # type: ignore[arg-type]
    return path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, help="number of data rows")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--start", type=int, default=1, help="number of the first row's name")
    parser.add_argument("--sep", default=",", choices=[",", ";"])
    args = parser.parse_args()
    began = time.perf_counter()
    size = write(args.output, args.rows, args.start, sep=args.sep)
    print(f"wrote {args.rows:,} rows ({size / 1e6:.1f} MB) to {args.output} in "
          f"{time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
