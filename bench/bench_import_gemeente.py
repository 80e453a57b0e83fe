"""Import check of rows placed by a gemeente column vs rows with a point; prints medians.

    .venv/bin/python bench/bench_import_gemeente.py [rows]   # default 100,000; 3 interleaved runs
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from dashboard import geo
from dashboard.tabular import municipality
from dashboard.tabular.importing import import_path


def write(path: Path, header: str, rows: int, cells) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        for i in range(rows):
            out.write(cells(i))
    return path


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    names = [v["statnaam"] for v in geo.municipality_lookup().values()]
    municipality.find_code("Emmen")  # warm the name index and the centres
    geo.municipality_centre("GM0114")
    folder = Path(tempfile.mkdtemp())
    files = {
        "point": write(folder / "punt.csv", "naam,lat,lon,thema\n", rows,
                       lambda i: f"Initiatief {i},52.78,6.9,zorg\n"),
        "gemeente": write(folder / "gemeente.csv", "naam,gemeente,thema\n", rows,
                          lambda i: f'Initiatief {i},"{names[i % len(names)]}",zorg\n'),
    }
    times: dict[str, list[float]] = {name: [] for name in files}
    for _ in range(3):
        for name, path in files.items():
            started = time.perf_counter()
            report = import_path(path, None)
            times[name].append(time.perf_counter() - started)
            assert report.ok and report.valid == rows, report.problems[:3]
    for name, runs in times.items():
        print(f"{name:9} {rows:,} rows: median {statistics.median(runs):.2f} s "
              f"(runs {', '.join(f'{r:.2f}' for r in runs)})")


if __name__ == "__main__":
    main()
