"""What an open facilitator tab costs the server while a workshop runs: its queue poll.

Starts ``krimpkaart run`` on a copy of the seed store with an open workshop, then
alternates phases of equal length (A: nobody polls; Q: ``--tabs`` simulated tabs poll
the queue route every 2.5 s, as ``kk-live.mjs`` does; V: the same tabs poll the public
version route, for comparison), ``--rounds`` times interleaved, and prints the server's
CPU per phase (utime+stime of the server process from /proc), the CPU per poll and per
tab per minute (medians over rounds), and the poll's latency. One suggestion arrives in
every Q phase, so the cache also has to notice a change.

    .venv/bin/python bench/bench_queue_poll.py --tabs 20 --seconds 20 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import store  # noqa: E402
from dashboard.store.rooms import rooms_of  # noqa: E402

POLL_S = 2.5
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def wait_healthy(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the app exited")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the app did not start")


def poll_phase(url: str, tabs: int, seconds: float) -> tuple[int, list[float]]:
    """``tabs`` threads, each GETting ``url`` every POLL_S (staggered): (polls, latencies ms)."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def tab(offset: float) -> None:
        time.sleep(offset)
        while time.monotonic() < stop:
            start = time.perf_counter()
            with urllib.request.urlopen(url, timeout=10) as resp:
                resp.read()
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(POLL_S)

    threads = [threading.Thread(target=tab, args=(i * POLL_S / tabs,)) for i in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    path = folder / "initiatieven.gpkg"
    db = store.open_store(path)
    rooms = rooms_of(db)
    code = rooms.open_workshop("ACDEF", "bench").code
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "KRIMPKAART_STORE": str(path)}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "run", "--port", str(port),
                             "--address", "127.0.0.1"], env=env, cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(url, proc)
        time.sleep(3)  # preloading settles
        results: dict[str, list[float]] = {"A": [], "Q": [], "V": []}
        polls: dict[str, list[int]] = {"Q": [], "V": []}
        lat: dict[str, list[float]] = {"Q": [], "V": []}
        targets = {"Q": f"{url}/_kk/queue/{code}", "V": f"{url}/_kk/version"}
        for n in range(args.rounds):
            for phase in ("A", "Q", "V") if n % 2 == 0 else ("V", "Q", "A"):
                before = cpu_s(proc.pid)
                if phase == "A":
                    time.sleep(args.seconds)
                else:
                    if phase == "Q":
                        threading.Timer(args.seconds / 2, lambda: rooms.submit(
                            code, f"d{time.time()}", "ip", {"name": "x"})).start()
                    count, latencies = poll_phase(targets[phase], args.tabs, args.seconds)
                    polls[phase].append(count)
                    lat[phase] += latencies
                results[phase].append(cpu_s(proc.pid) - before)
                print(f"round {n + 1} {phase}: server cpu {results[phase][-1] * 1000:.0f} ms"
                      + (f", {polls[phase][-1]} polls" if phase != "A" else ""), flush=True)
        idle = statistics.median(results["A"])
        print(f"\n{args.tabs} tabs, {args.seconds:.0f} s phases, {args.rounds} rounds interleaved")
        print(f"idle server: {idle * 1000:.0f} ms CPU per phase (median)")
        for phase, name in (("Q", "queue route"), ("V", "version route")):
            extra = [c - idle for c in results[phase]]
            per_poll = statistics.median(e / p for e, p in zip(extra, polls[phase], strict=True))
            per_tab_min = per_poll * 60 / POLL_S
            print(f"{name}: {per_poll * 1000:.2f} ms server CPU per poll (median); "
                  f"{per_tab_min * 1000:.0f} ms CPU per open tab per minute "
                  f"({per_tab_min / 60 * 100:.2f} % of one core); latency median "
                  f"{statistics.median(lat[phase]):.1f} ms, p95 "
                  f"{statistics.quantiles(lat[phase], n=20)[-1]:.1f} ms")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
