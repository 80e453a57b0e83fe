"""What the facilitator's review dialog costs per rerun to find look-alikes and merge choices.

Before: every rerun read every record from the store (``db.list()``) and measured the
distance to each. After: it takes the rows in a box around the suggestion from the
page's cached frame (``workshop.room.records_near``), which the map has built anyway
(once per data version; its build time is printed for reference, it is not paid per
rerun). Both then run the same look-alike check and merge-choice sort. A and B are
interleaved, ``--rounds`` times; medians in milliseconds.

    .venv/bin/python bench/bench_review.py --sizes 10000 100000 --rounds 7
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synth import make_store  # noqa: E402

from dashboard import geo, query, store  # noqa: E402
from dashboard.store.rooms import Suggestion  # noqa: E402
from dashboard.workshop import editing, room  # noqa: E402

MERGE_RADIUS_KM, MERGE_CHOICES = 10.0, 30  # as ui/room.py


def choices(records: list[dict], suggestion: Suggestion) -> int:
    """The dialog's work once it has its candidate records: look-alikes, merge choices."""
    data = suggestion.data
    similar = room.duplicates(records, suggestion)
    near = sorted(((geo.haversine_km(data["lat"], data["lon"], r["lat"], r["lon"]), r)
                   for r in records if r["lat"] is not None), key=lambda pair: pair[0])
    return len(similar) + sum(1 for d, _ in near[:MERGE_CHOICES] if d <= MERGE_RADIUS_KM)


def before(db: store.Store, suggestion: Suggestion) -> int:
    return choices(db.list(), suggestion)


def after(frame, suggestion: Suggestion) -> int:
    data = suggestion.data
    radius = max(MERGE_RADIUS_KM, editing.NEARBY_KM)
    return choices(room.records_near(frame, data["lat"], data["lon"], radius), suggestion)


def timed(call) -> tuple[float, int]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path, count = make_store(Path(tmp) / f"review-{n}.gpkg", n)
            db = store.open_store(path)
            frame_ms, frame = timed(lambda db=db: query.initiatives_frame(db.columns()))
            some = next(r for r in db.list() if r["lat"] is not None)
            suggestion = Suggestion(1, "ACDEF", "", "d", "pending",
                                    {"name": some["name"], "lat": some["lat"] + 0.001,
                                     "lon": some["lon"] + 0.001})
            a_ms, b_ms = [], []
            for _ in range(args.rounds):
                ms, found_a = timed(lambda db=db, s=suggestion: before(db, s))
                a_ms.append(ms)
                ms, found_b = timed(lambda frame=frame, s=suggestion: after(frame, s))
                b_ms.append(ms)
                assert found_a == found_b, (found_a, found_b)  # the same choices
            print(f"{count:>7} records: before (db.list) median {statistics.median(a_ms):8.1f} ms"
                  f" | after (frame box) median {statistics.median(b_ms):6.2f} ms"
                  f" | {found_a} look-alikes+choices | frame build once per version "
                  f"{frame_ms:.0f} ms | rounds {args.rounds}")


if __name__ == "__main__":
    main()
