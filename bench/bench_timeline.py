"""Time the timeline GIF and the all-regions comparison: medians of --runs runs each.

Target: the seed's timeline GIF (slide size) under 15 s. The synthetic set has start
years 1995-2024, so its GIF has one frame per year (30); reported per frame too.
The region comparison (table, PNG and SVG chart) runs on every Overview visit (the
table) or download (the charts). Wall and CPU seconds: CPU shows the cost on a busy
machine. The first GIF pays for the base layers once per process ("cold").

    .venv/bin/python bench/bench_timeline.py [--n 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PIL import Image
from synth import records as make_records

from dashboard import query
from dashboard.export.regionchart import render_chart
from dashboard.export.timeline import render_gif
from dashboard.query import FilterState, comparison

GIF_TARGET_S = 15.0


def timed(fn) -> tuple[float, float, object]:
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - start, time.process_time() - cpu, result


def median_of(fn, runs: int) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu, result = timed(fn)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="synthetic records (multi-year)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seed = query.initiatives_frame(make_records(0))
    synth = query.initiatives_frame(make_records(args.n))
    wall, _, _ = timed(lambda: render_gif(seed, FilterState()))
    print(f"cold first GIF (seed): {wall:.2f} s")
    for name, frame in (("seed", seed), (f"synthetic {args.n}", synth)):
        wall, cpu, gif = median_of(lambda f=frame: render_gif(f, FilterState()), args.runs)
        frames = Image.open(io.BytesIO(gif)).n_frames  # type: ignore[arg-type]
        size = len(gif) / 1e6  # type: ignore[arg-type]
        verdict = ""
        if name == "seed":
            verdict = "  OK" if wall < GIF_TARGET_S else f"  OVER target {GIF_TARGET_S} s"
        print(f"timeline GIF {name}: {frames} frames, {size:.1f} MB, median {wall:.2f} s wall "
              f"({wall / frames:.2f} s per frame), {cpu:.2f} s CPU{verdict}")
    for name, frame in (("seed", seed), (f"synthetic {args.n}", synth)):
        wall, cpu, table = median_of(lambda f=frame: comparison.region_comparison(f), args.runs)
        print(f"region comparison table {name}: median {wall * 1000:.0f} ms wall")
        for fmt in ("png", "svg"):
            wall, cpu, _ = median_of(lambda t=table, f=fmt: render_chart(t, "nl", f), args.runs)
            print(f"region chart {fmt} {name}: median {wall * 1000:.0f} ms wall, "
                  f"{cpu * 1000:.0f} ms CPU")


if __name__ == "__main__":
    main()
