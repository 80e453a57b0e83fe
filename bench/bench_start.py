"""Server start at scale, no visitor: how long `krimpkaart run` takes until it is ready.

    .venv/bin/python bench/bench_start.py --sizes 10000,100000 --starts 5

For each size it writes a synthetic store (synth.py) and starts `krimpkaart run` on it
``--starts`` times, asking ``/_kk/ready`` every 50 ms until it answers 200. It prints the
medians of the warm-up run (the first script run after the start, from the route's JSON)
and of start -> ready (process start, library preload, warm-up). This is the start a proxy
sees (``krimpkaart serve`` sends no visitor to a worker before it is ready); bench_map.py's
"after start" column is the other case, a visitor who comes as soon as the server answers
and whose run competes with the warm-up for the same core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import browser  # noqa: E402 - after the path set-up
import synth  # noqa: E402


def start_once(store: Path, timeout: float) -> tuple[float, float]:
    """(start -> ready s, warm-up run s) of one server start."""
    port = browser.free_port()
    env = {**os.environ, "KRIMPKAART_STORE": str(store)}
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port), "--address",
         "127.0.0.1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=tempfile.gettempdir())
    try:
        while time.perf_counter() - began < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_kk/ready",
                                            timeout=2) as answer:
                    body = json.loads(answer.read())
                    return time.perf_counter() - began, float(body["seconds"])
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        raise TimeoutError(f"not ready within {timeout} s")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="krimpkaart-start-"))
    load = os.getloadavg()[0]
    print("initiatives  starts  warm-up run s (median, min-max)  start -> ready s (median)")
    for size in (int(s) for s in args.sizes.split(",")):
        store, count = synth.make_store(workdir / f"store-{size}.gpkg", size)
        ready, warm = zip(*(start_once(store, args.timeout) for _ in range(args.starts)),
                          strict=True)
        print(f"{count:>11,}  {args.starts:>6}  {statistics.median(warm):>5.2f} "
              f"({min(warm):.2f}-{max(warm):.2f}){'':>15}  {statistics.median(ready):>6.2f}",
              flush=True)
    print(f"load average {load:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          "targets: the first run after a start < 1 s at 10,000, < 5 s at 100,000")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
