"""'Leer van elkaar' and the region brief: how long they take, in numbers.

Targets (issue "for the policy meeting"): a panel's suggestions < 50 ms at 10,000
initiatives; a brief < 2 s. Prints medians (and the spread) over several runs; the
index is built once per data version (the page caches it), so its time is given apart.

    .venv/bin/python bench/bench_learn.py [--n 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import crowded_region, describe, seed_records, synthetic_records

from dashboard import query
from dashboard.export.brief import build_brief
from dashboard.export.brieflayout import render_brief
from dashboard.query.similar import SimilarityIndex

CPU: list[float] = []  # CPU seconds of the runs ``timed`` measured last


def timed(func, runs: int) -> list[float]:
    """Wall seconds per run; the CPU seconds (this process) go to ``CPU``. On a shared,
    busy machine the CPU time says what the code costs, the wall time what a user waits."""
    out = []
    CPU.clear()
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        out.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
    return out


def report(label: str, seconds: list[float], target: float | None = None) -> None:
    ms = sorted(s * 1000 for s in seconds)
    line = (f"{label:<66} wall median {statistics.median(ms):7.1f} ms "
            f"(min {ms[0]:7.1f}, max {ms[-1]:7.1f}, n={len(ms)})")
    if CPU:
        line += f"  cpu median {statistics.median(CPU) * 1000:7.1f} ms"
    if target is not None:
        line += f"  target < {target:g} ms: {'ok' if statistics.median(ms) < target else 'MISSED'}"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="synthetic initiatives")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    start = time.perf_counter()
    import sklearn.feature_extraction.text  # noqa: F401  (first import, once per process)

    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"import scikit-learn's TF-IDF (once per process): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")

    big = query.initiatives_frame(describe(synthetic_records(args.n)))
    report(f"build the index, {args.n:,} initiatives (once per version)",
           timed(lambda: SimilarityIndex.build(big), max(3, args.runs // 2)))
    index = SimilarityIndex.build(big)
    ids = random.Random(7).sample(list(big["id"]), 200)
    per_panel = []
    CPU.clear()
    for rid in ids:
        start, cpu = time.perf_counter(), time.process_time()
        found = index.similar(rid, "nl")
        per_panel.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
        assert len(found) == 5, rid
    report(f"one panel's top 5 with reasons, {args.n:,} initiatives", per_panel, 50)

    seed = query.initiatives_frame(seed_records())
    seed_index = SimilarityIndex.build(seed)
    for slug in ("zeeuws-vlaanderen", "oost-groningen"):
        report(f"brief {slug} (seed), build + PDF",
               timed(lambda s=slug: render_brief(build_brief("regio", s, seed, "nl",
                                                             index=seed_index)), args.runs),
               2000)
    report("brief GM1714 Sluis (seed), build + PDF",
           timed(lambda: render_brief(build_brief("gemeente", "GM1714", seed, "nl",
                                                  index=seed_index)), args.runs), 2000)
    report(f"brief achterhoek at {args.n:,} initiatives, build + PDF",
           timed(lambda: render_brief(build_brief("regio", "achterhoek", big, "nl",
                                                  index=index)), args.runs), 2000)
    crowded = query.initiatives_frame(seed_records() + crowded_region("achterhoek", 200))
    crowded_index = SimilarityIndex.build(crowded)
    report("brief achterhoek crowded (200 initiatives, 3 pages), build + PDF",
           timed(lambda: render_brief(build_brief("regio", "achterhoek", crowded, "nl",
                                                  index=crowded_index)), args.runs), 2000)


if __name__ == "__main__":
    main()
